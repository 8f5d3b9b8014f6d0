// SPDX-License-Identifier: Apache-2.0
// The one seam between ethtool/ and the kernel.
//
// Every operation in this library reaches the kernel through a `transport`:
// the SIOCETHTOOL ioctl, an ifindex lookup, and generic netlink requests (the
// netdev family for XDP features, which has no ioctl; the ethtool family for
// rings and channels of drivers that answer only netlink). Unit tests inject a
// scripted transport that checks request bytes and plays canned replies;
// production code uses `make_kernel_transport()`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace xdpkit::ethtool {

// One generic netlink request. `attrs` is the attribute stream that follows
// the genlmsghdr, already encoded (see nlattr.hpp in src/).
struct genl_request {
  std::string family;  // "netdev", "ethtool"
  std::uint8_t cmd = 0;
  std::uint8_t version = 1;
  bool dump = false;  // NLM_F_DUMP: the kernel answers with many messages
  std::vector<std::byte> attrs;

  bool operator==(const genl_request&) const = default;
};

class transport {
 public:
  virtual ~transport() = default;

  // SIOCETHTOOL on `ifname`; `buf` is the ethtool command structure (its
  // first u32 is the command), read and written in place by the kernel.
  // Returns the ioctl's non-negative return value (ETHTOOL_SFEATURES uses it
  // for ETHTOOL_F_* flags) or -errno.
  virtual int ethtool_ioctl(const std::string& ifname, std::span<std::byte> buf) = 0;

  // The interface's index, or -errno (-ENODEV when there is no such device).
  virtual int ifindex(const std::string& ifname) = 0;

  // Sends `req` and appends the attribute stream of every reply message (the
  // bytes after the genlmsghdr) to `replies`. Returns 0 or -errno; -ENOENT
  // when the family is not registered (the kernel is too old for it).
  virtual int genl(const genl_request& req, std::vector<std::vector<std::byte>>& replies) = 0;
};

// The real kernel. The sockets are opened when the transport is made, so it
// acts in the network namespace the calling thread was in at that moment
// (tests enter a namespace, make a transport, and leave again).
// Throws os_error when the control socket cannot be opened.
std::unique_ptr<transport> make_kernel_transport();

}  // namespace xdpkit::ethtool
