// SPDX-License-Identifier: Apache-2.0
// XDP capabilities from the netdev generic-netlink family (NETDEV_CMD_DEV_GET,
// Linux 6.3+); the ethtool ioctl has no equivalent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

// netdev.yaml's enum xdp-act (values fixed by the kernel ABI; Debian 12's
// linux-libc-dev predates <linux/netdev.h>, so they are spelled out here).
enum xdp_act : std::uint64_t {
  xdp_basic = 1,           // XDP_ABORTED/DROP/PASS/TX in the driver (native mode)
  xdp_redirect = 2,        // XDP_REDIRECT from the driver
  xdp_ndo_xmit = 4,        // can be a redirect target (ndo_xdp_xmit)
  xdp_xsk_zerocopy = 8,    // AF_XDP zero-copy
  xdp_hw_offload = 16,     // program runs on the NIC
  xdp_rx_sg = 32,          // multi-buffer frames on receive
  xdp_ndo_xmit_sg = 64,    // multi-buffer frames as a redirect target
};

struct xdp_features {
  std::uint64_t flags = 0;       // xdp_act bits
  std::uint32_t zc_max_segs = 0;  // fragments per zero-copy frame; 0 when not reported

  bool has(xdp_act a) const noexcept { return (flags & a) != 0; }
  bool operator==(const xdp_features&) const = default;
};

// Names of the set bits, in bit order ("basic", "redirect", ...).
std::vector<std::string> xdp_feature_names(std::uint64_t flags);

// Refused with EOPNOTSUPP (naming Linux 6.3) when the kernel has no netdev
// family. Throws os_error when the device does not exist.
result<xdp_features> get_xdp_features(const device& dev);

}  // namespace xdpkit::ethtool
