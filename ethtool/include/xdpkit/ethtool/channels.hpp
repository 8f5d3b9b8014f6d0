// SPDX-License-Identifier: Apache-2.0
// Queue counts (ETHTOOL_GCHANNELS / ETHTOOL_SCHANNELS, `ethtool -l/-L`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

struct channels {
  std::uint32_t max_rx = 0, max_tx = 0, max_other = 0, max_combined = 0;
  std::uint32_t rx = 0, tx = 0, other = 0, combined = 0;

  bool operator==(const channels&) const = default;
};

// What a user asks for; unset fields keep their current value.
struct channels_request {
  std::optional<std::uint32_t> rx, tx, other, combined;
  // A bare "N" (no key): combined where the driver has combined channels,
  // else rx=N,tx=N. "combined=N" means combined and nothing else.
  bool bare = false;
};

// "4" means 4 combined channels on drivers that have combined channels and
// rx 4 tx 4 on those that do not (veth); "rx=2,tx=2,combined=0" names fields.
// Throws std::invalid_argument naming the bad token.
channels_request parse_channels_request(std::string_view text);

// The counts `want` asks for on a device that currently has `now`.
channels apply_request(const channels& now, const channels_request& want);

// Refused with EOPNOTSUPP when the driver cannot report queue counts.
result<channels> get_channels(const device& dev);

// Sets the counts in `want` (its max_* fields are only used for messages).
// A value out of the driver's range comes back as a refusal (EINVAL) whose
// hint lists the maxima; EOPNOTSUPP when counts cannot be changed.
result<applied> set_channels(const device& dev, const channels& want);

std::string format_counts(const channels& c);  // "rx 1, tx 1" / "combined 4"

}  // namespace xdpkit::ethtool
