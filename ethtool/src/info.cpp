// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/info.hpp"

#include <linux/ethtool.h>

#include "ioctl.hpp"

namespace xdpkit::ethtool {
namespace {

// The kernel fills fixed char arrays; a driver that fills one to the brim
// leaves no NUL, so never read past the array.
template <std::size_t N>
std::string fixed(const char (&a)[N]) {
  std::size_t n = 0;
  while (n < N && a[n] != '\0') ++n;
  return std::string(a, n);
}

}  // namespace

result<driver_info> get_driver_info(const device& dev) {
  auto req = detail::zeroed<ethtool_drvinfo>();
  req.cmd = ETHTOOL_GDRVINFO;
  if (int rc = detail::call(dev, req); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GDRVINFO", rc, "the device has no ethtool support");
  driver_info out;
  out.driver = fixed(req.driver);
  out.version = fixed(req.version);
  out.firmware = fixed(req.fw_version);
  out.expansion_rom = fixed(req.erom_version);
  out.bus = fixed(req.bus_info);
  out.n_priv_flags = req.n_priv_flags;
  out.n_stats = req.n_stats;
  return out;
}

}  // namespace xdpkit::ethtool
