// SPDX-License-Identifier: Apache-2.0
// Ring and channel messages of the ethtool generic-netlink family (Linux 5.6+),
// for drivers that answer them but not the SIOCETHTOOL ioctl. channels.cpp and
// rings.cpp call these only after the ioctl said EOPNOTSUPP, so the ioctl
// stays the first path. The device is named in the request header by
// ETHTOOL_A_HEADER_DEV_NAME, as ethtool(8) does, so no ifindex lookup can race
// a rename.
#pragma once

#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"
#include "xdpkit/ethtool/rings.hpp"

namespace xdpkit::ethtool::detail {

// Each is refused with EOPNOTSUPP when the kernel has no ethtool family (the
// transport answers ENOENT) or the driver has no such operation; a set is
// also refused with EINVAL for a value out of range (its hint names `want`'s
// maxima). Anything else (EPERM, ENODEV, a reply without the header) throws
// os_error.
result<channels> netlink_get_channels(const device& dev);
result<applied> netlink_set_channels(const device& dev, const channels& want, const std::string& range_hint);
result<rings> netlink_get_rings(const device& dev);
result<applied> netlink_set_rings(const device& dev, const rings& want, const std::string& range_hint);

}  // namespace xdpkit::ethtool::detail
