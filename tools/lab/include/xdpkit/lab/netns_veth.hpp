// SPDX-License-Identifier: Apache-2.0
// netns_veth: one network namespace holding both ends of a veth pair, for
// tests of NIC control (probe, tune, revert) rather than of traffic: a device
// with settable channels, whose name repeats in every such namespace of the
// process, the case the ethtool journal must keep apart. (veth_lab joins two
// namespaces for traffic instead.)
//
//   netns <prefix><pid>n<seq>:  veth "xke<pid>a" <-> "xke<pid>b", both up
#pragma once

#include <string>

#include "xdpkit/lab/netns.hpp"

namespace xdpkit::lab {

class netns_veth {
 public:
  // Removes first what a dead process left under `prefix` (remove_stale_netns).
  // Each end gets `queues` rx and tx queues (1 in use by default). Throws
  // std::runtime_error naming the failed `ip` command; removes what it made.
  static netns_veth create(unsigned queues = 4, const std::string& prefix = "xkte");

  const std::string& ns() const noexcept { return ns_.name(); }
  const std::string& a() const noexcept { return a_; }
  const std::string& b() const noexcept { return b_; }

 private:
  netns_veth(netns ns, std::string a, std::string b) noexcept
      : ns_(std::move(ns)), a_(std::move(a)), b_(std::move(b)) {}
  netns ns_;  // the pair goes with the namespace
  std::string a_, b_;
};

// Whether a named network namespace exists now.
bool netns_exists(const std::string& name);

}  // namespace xdpkit::lab
