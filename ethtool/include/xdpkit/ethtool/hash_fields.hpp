// SPDX-License-Identifier: Apache-2.0
// RSS hash fields per flow type (ETHTOOL_GRXFH / ETHTOOL_SRXFH, `ethtool -n/-N
// rx-flow-hash`), written in ethtool's letters: m v t s d f n r.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

// The flow types `ethtool -N rx-flow-hash` knows, in its order:
// tcp4 udp4 ah4 esp4 sctp4 tcp6 udp6 ah6 esp6 sctp6.
const std::vector<std::string>& hash_flow_names();
// TCP_V4_FLOW etc. for a hash flow name; nullopt for an unknown name.
std::optional<std::uint32_t> hash_flow_type(std::string_view name);

// RXH_* bits <-> "sdfn". Parsing throws std::invalid_argument on an unknown
// letter; letters_to_fields("") is 0 (hash on nothing).
std::uint64_t letters_to_fields(std::string_view letters);
std::string fields_to_letters(std::uint64_t fields);

// Refused with EOPNOTSUPP when the driver has no hash-field report for the
// flow type (or none at all).
result<std::uint64_t> get_hash_fields(const device& dev, std::uint32_t flow_type);
// Refused with EOPNOTSUPP (no hash-field control) or EINVAL (this combination
// of fields is not one the hardware can hash on).
result<applied> set_hash_fields(const device& dev, std::uint32_t flow_type, std::uint64_t fields);

// "udp4=sdfn" (what --hash takes). Throws std::invalid_argument.
struct hash_request {
  std::uint32_t flow_type = 0;
  std::string flow_name;
  std::uint64_t fields = 0;
};
hash_request parse_hash_request(std::string_view text);

}  // namespace xdpkit::ethtool
