// SPDX-License-Identifier: Apache-2.0
// Descriptor ring sizes (ETHTOOL_GRINGPARAM / ETHTOOL_SRINGPARAM, `ethtool -g/-G`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

struct rings {
  std::uint32_t max_rx = 0, max_rx_mini = 0, max_rx_jumbo = 0, max_tx = 0;
  std::uint32_t rx = 0, rx_mini = 0, rx_jumbo = 0, tx = 0;

  bool operator==(const rings&) const = default;
};

struct rings_request {
  std::optional<std::uint32_t> rx, tx, rx_mini, rx_jumbo;
};

// "rx=4096,tx=4096". Throws std::invalid_argument naming the bad token.
rings_request parse_rings_request(std::string_view text);
rings apply_request(const rings& now, const rings_request& want);

// Refused with EOPNOTSUPP when the driver has no ring parameters (veth).
result<rings> get_rings(const device& dev);

// A refused size comes back as a refusal whose hint names the maxima from `want`.
result<applied> set_rings(const device& dev, const rings& want);

}  // namespace xdpkit::ethtool
