// SPDX-License-Identifier: Apache-2.0
// Offload features by name (ETHTOOL_GFEATURES / ETHTOOL_SFEATURES with the
// ETH_SS_FEATURES strings; what `ethtool -k/-K` shows and sets).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

struct feature {
  std::string name;  // "rx-ntuple-filter", "rx-hashing", "rx-gro-hw", ...
  bool active = false;
  bool requested = false;
  bool changeable = false;  // available and not marked never-changed

  bool operator==(const feature&) const = default;
};

// Every feature the kernel knows, in the kernel's order.
result<std::vector<feature>> get_features(const device& dev);

// Turns one feature on or off. Refused with EOPNOTSUPP when the name is
// unknown or the feature is fixed for this device, and with EINVAL when the
// driver keeps the old state (the kernel answers ETHTOOL_F_WISH or
// ETHTOOL_F_UNSUPPORTED); the hint says which.
result<applied> set_feature(const device& dev, std::string_view name, bool on);

}  // namespace xdpkit::ethtool
