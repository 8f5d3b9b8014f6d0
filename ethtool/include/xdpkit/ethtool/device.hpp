// SPDX-License-Identifier: Apache-2.0
// A network interface as seen through one transport.
//
// A device is a name and the transport to use; it holds no kernel state, so
// the operations in info.hpp, channels.hpp, rings.hpp, rss.hpp, ntuple.hpp,
// features.hpp, stats.hpp and xdp.hpp can be mixed freely.
#pragma once

#include <string>
#include <utility>

#include "xdpkit/ethtool/transport.hpp"

namespace xdpkit::ethtool {

class device {
 public:
  device(transport& io, std::string ifname) : io_(&io), name_(std::move(ifname)) {}

  const std::string& name() const noexcept { return name_; }
  transport& io() const noexcept { return *io_; }

 private:
  transport* io_;
  std::string name_;
};

}  // namespace xdpkit::ethtool
