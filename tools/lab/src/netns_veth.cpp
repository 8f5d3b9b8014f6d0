// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/netns_veth.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "xdpkit/lab/command.hpp"

namespace xdpkit::lab {

namespace {
std::atomic<unsigned> g_seq{0};
}

netns_veth netns_veth::create(unsigned queues, const std::string& prefix) {
  const std::string pid = std::to_string(::getpid());
  remove_stale_netns(prefix);  // what a killed test process left
  netns ns = netns::create(prefix + pid + "n" + std::to_string(g_seq++));
  std::string a = "xke" + pid + "a", b = "xke" + pid + "b";
  const std::string q = std::to_string(queues);
  // If a command throws, `ns` is deleted on the way out, and the pair with it.
  run_checked({"ip", "-n", ns.name(), "link", "add", a, "numtxqueues", q, "numrxqueues", q, "type", "veth", "peer",
               "name", b, "numtxqueues", q, "numrxqueues", q});
  run_checked({"ip", "-n", ns.name(), "link", "set", a, "up"});
  run_checked({"ip", "-n", ns.name(), "link", "set", b, "up"});
  return netns_veth(std::move(ns), std::move(a), std::move(b));
}

bool netns_exists(const std::string& name) {
  const auto all = list_netns();
  return std::find(all.begin(), all.end(), name) != all.end();
}

}  // namespace xdpkit::lab
