// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/interface_watch.hpp"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit {

interface_watch::interface_watch(std::string ifname, int ifindex)
    : ifname_(std::move(ifname)), ifindex_(ifindex), probe_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
  if (!probe_) throw_os_error(errno, "open a socket to watch", ifname_);
}

std::optional<std::string> interface_watch::lost() const {
  ifreq r{};
  r.ifr_ifindex = ifindex_;
  if (::ioctl(probe_.get(), SIOCGIFNAME, &r) == 0 || errno != ENODEV) return std::nullopt;
  return ifname_ + " (ifindex " + std::to_string(ifindex_) +
         ") is gone from the network namespace xdpkit attached in: it was deleted or moved to another namespace, "
         "and the kernel took the XDP program (and any AF_XDP socket bound there) with it";
}

}  // namespace xdpkit
