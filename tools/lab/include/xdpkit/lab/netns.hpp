// SPDX-License-Identifier: Apache-2.0
// Network namespaces for labs and tests: made by us, always removed by us.
#pragma once

#include <string>
#include <vector>

#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::lab {

// A named network namespace (`ip netns add NAME`), deleted on destruction with
// everything inside it (its veth ends go with it). Move-only.
class netns {
 public:
  static netns create(std::string name);  // throws std::runtime_error with ip's message
  netns(netns&& o) noexcept;
  netns& operator=(netns&& o) noexcept;
  netns(const netns&) = delete;
  netns& operator=(const netns&) = delete;
  ~netns();

  const std::string& name() const noexcept { return name_; }

 private:
  explicit netns(std::string name) noexcept : name_(std::move(name)) {}
  void remove() noexcept;
  std::string name_;
};

// Enters a named namespace on the calling thread and returns to the previous
// one on destruction. Only the calling thread moves: setns(CLONE_NEWNET) is
// per thread, and threads started inside inherit it.
class netns_scope {
 public:
  explicit netns_scope(const std::string& name);  // throws os_error
  netns_scope(const netns_scope&) = delete;
  netns_scope& operator=(const netns_scope&) = delete;
  ~netns_scope();

 private:
  unique_fd previous_;
};

// Names of the namespaces that exist now (from /run/netns).
std::vector<std::string> list_netns();

// Removes namespaces named PREFIX<pid>... whose creating process is gone: what
// a lab killed with SIGKILL left behind. Returns the names removed.
std::vector<std::string> remove_stale_netns(const std::string& prefix);
// Every lab namespace (xk<letters><pid>..., the names xdpkit's labs, demo,
// bench and tests make) whose creating process is gone: what `xdpkit clean`
// removes. Lists only.
std::vector<std::string> stale_lab_netns();

}  // namespace xdpkit::lab
