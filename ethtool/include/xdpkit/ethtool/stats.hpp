// SPDX-License-Identifier: Apache-2.0
// Driver statistics (ETH_SS_STATS names + ETHTOOL_GSTATS, `ethtool -S`).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

using stat_list = std::vector<std::pair<std::string, std::uint64_t>>;

// Refused with EOPNOTSUPP when the driver keeps no statistics.
result<stat_list> get_stats(const device& dev);

}  // namespace xdpkit::ethtool
