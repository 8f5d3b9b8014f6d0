// SPDX-License-Identifier: Apache-2.0
// Sysctls, read and written through one place that records the old value.
// Names use sysctl(8) syntax ("net.core.busy_poll") or slashes
// ("net/ipv4/conf/eth0.100/rp_filter", for components that contain dots).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

// "net.core.busy_poll" -> "/proc/sys/net/core/busy_poll". Throws
// std::invalid_argument for an empty name or a component that is empty, "." or
// "..", so a name can never leave /proc/sys.
std::string sysctl_path(std::string_view name);

// The value with surrounding whitespace removed (multi-value sysctls keep their
// inner tabs: "4096\t131072\t6291456"). std::nullopt when the sysctl does not
// exist on this kernel. Throws os_error for other errors (EACCES: some are
// root-only), std::invalid_argument for a bad name.
std::optional<std::string> read_sysctl(const host_root& root, std::string_view name);

// What one write changed, for journals and reports.
struct sysctl_record {
  std::string name;
  std::string old_value;
  std::string new_value;
};

// Writes a sysctl and owns the change: the destructor (or restore()) writes the
// old value back unless release() was called. Move-only.
class sysctl_change {
 public:
  // Reads the old value, then writes `value`. Throws os_error: ENOENT when the
  // sysctl does not exist, EINVAL when the kernel refuses the value, EACCES/EPERM
  // without privileges; std::invalid_argument for a bad name. Nothing is changed
  // when it throws.
  static sysctl_change apply(const host_root& root, std::string_view name, std::string_view value);

  sysctl_change(sysctl_change&& o) noexcept;
  sysctl_change& operator=(sysctl_change&& o) noexcept;
  sysctl_change(const sysctl_change&) = delete;
  sysctl_change& operator=(const sysctl_change&) = delete;
  ~sysctl_change();  // restores; errors swallowed (call restore() to see them)

  // Writes the old value back. Throws os_error. Idempotent.
  void restore();
  // Keeps the new value; the record stays readable.
  void release() noexcept { active_ = false; }
  bool active() const noexcept { return active_; }
  const sysctl_record& record() const noexcept { return record_; }

 private:
  sysctl_change(host_root root, sysctl_record rec) noexcept;
  host_root root_;
  sysctl_record record_;
  bool active_ = false;
};

}  // namespace xdpkit::topology
