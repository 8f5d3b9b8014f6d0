// SPDX-License-Identifier: Apache-2.0
// interface_watch: is the interface a data plane attached to still there?
// Deleted, or moved to another namespace, it takes the XDP program with it
// and unbinds the AF_XDP sockets: nothing more arrives, and a data plane that
// went on counting zeros would hide it. The watch holds an AF_INET socket of
// the namespace it was made in, so SIOCGIFNAME on it answers for that
// namespace whatever the asking thread's is. A rename is not a loss.
#pragma once

#include <optional>
#include <string>

#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit {

class interface_watch {
 public:
  // Throws os_error when no socket can be made.
  interface_watch(std::string ifname, int ifindex);
  // "IF (ifindex N) is gone from the network namespace ...", or nullopt.
  // One ioctl: cheap enough to ask every few milliseconds.
  std::optional<std::string> lost() const;

 private:
  std::string ifname_;
  int ifindex_;
  unique_fd probe_;
};

}  // namespace xdpkit
