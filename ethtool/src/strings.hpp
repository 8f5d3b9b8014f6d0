// SPDX-License-Identifier: Apache-2.0
// String sets (ETHTOOL_GSSET_INFO + ETHTOOL_GSTRINGS): the names behind
// features (ETH_SS_FEATURES) and statistics (ETH_SS_STATS).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool::detail {

// Refused with EOPNOTSUPP when the driver has no such set.
result<std::vector<std::string>> get_string_set(const device& dev, std::uint32_t set);

}  // namespace xdpkit::ethtool::detail
