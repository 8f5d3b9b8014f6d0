// SPDX-License-Identifier: Apache-2.0
// Driver identity (ETHTOOL_GDRVINFO, what `ethtool -i` shows).
#pragma once

#include <cstdint>
#include <string>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

struct driver_info {
  std::string driver;
  std::string version;
  std::string firmware;
  std::string expansion_rom;
  std::string bus;  // PCI address such as 0000:03:00.0; empty for virtual devices
  std::uint32_t n_priv_flags = 0;
  std::uint32_t n_stats = 0;

  bool operator==(const driver_info&) const = default;
};

// Refused (EOPNOTSUPP) only by devices without ethtool_ops; throws
// os_error on ENODEV/EPERM.
result<driver_info> get_driver_info(const device& dev);

}  // namespace xdpkit::ethtool
