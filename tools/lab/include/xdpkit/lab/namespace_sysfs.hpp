// SPDX-License-Identifier: Apache-2.0
// namespace_sysfs: a view of /sys as a network namespace sees it. sysfs shows
// the network devices of the namespace of whoever mounted it, so code that
// reads /sys/class/net for a device inside a namespace (topology/, ethtool/'s
// probe, both of which take a host root) needs its own mount from inside.
#pragma once

#include <filesystem>

namespace xdpkit::lab {

// Call on a thread inside the namespace (netns_scope). The first use moves the
// whole process into a private mount namespace (mounts made here are never
// seen by, or left on, the host), then mounts sysfs at <tmp>/sys with
// <tmp>/proc -> /proc; root() is the host root to hand to probe or tune.
// Unmounted and removed on destruction. Throws std::system_error.
class namespace_sysfs {
 public:
  namespace_sysfs();
  namespace_sysfs(const namespace_sysfs&) = delete;
  namespace_sysfs& operator=(const namespace_sysfs&) = delete;
  ~namespace_sysfs();

  const std::filesystem::path& root() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
};

}  // namespace xdpkit::lab
