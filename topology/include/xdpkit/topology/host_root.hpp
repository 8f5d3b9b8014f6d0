// SPDX-License-Identifier: Apache-2.0
// The one door to /sys and /proc. Every reader in topology/ takes a host_root, so
// the same code reads the live host ("/") and a fixture tree captured elsewhere.
// Paths are given as they appear on a host ("/sys/class/net/eth0/device" or
// "sys/class/net/eth0/device") and are resolved under the root.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xdpkit::topology {

class host_root {
 public:
  // Root of the tree to read; "/" is the live host. The directory is not checked
  // here: the first read of a missing file reports the full path.
  explicit host_root(std::filesystem::path root = "/");

  const std::filesystem::path& path() const noexcept { return root_; }
  bool is_live() const noexcept { return root_ == "/"; }

  // The real path of a host path under this root. Throws std::invalid_argument if
  // `host_path` contains a ".." component (it would leave the root).
  std::filesystem::path resolve(std::string_view host_path) const;

  // Whole file. Throws os_error (with the errno: ENOENT for a missing file, EACCES,
  // ...) or os_error(EFBIG) above 64 MiB, which no sysfs/procfs file we read reaches.
  std::string read(std::string_view host_path) const;
  // Like read(), but std::nullopt when the file does not exist (ENOENT/ENOTDIR) or
  // the kernel reports no value (ENODEV/ENXIO/EINVAL/EOPNOTSUPP, which some sysfs
  // attributes return on read). Other errors still throw os_error.
  std::optional<std::string> try_read(std::string_view host_path) const;
  // First line, surrounding whitespace removed; std::nullopt as for try_read().
  std::optional<std::string> try_read_line(std::string_view host_path) const;

  // Replaces the file's content (O_WRONLY|O_TRUNC, as sysctl(8) and echo do).
  // Throws os_error with the errno the kernel returned (EINVAL for a value it
  // refuses, EACCES/EPERM without privileges).
  void write(std::string_view host_path, std::string_view value) const;

  bool exists(std::string_view host_path) const;
  bool is_directory(std::string_view host_path) const;
  // Entry names of a directory, sorted; empty when it does not exist.
  std::vector<std::string> list(std::string_view host_path) const;
  // Host-style target of a symlink with its directories resolved inside the root
  // ("/sys/devices/pci0000:00/0000:00:03.0"); std::nullopt when it is no symlink
  // or resolves outside the root.
  std::optional<std::string> resolve_link(std::string_view host_path) const;

 private:
  std::filesystem::path root_;
};

}  // namespace xdpkit::topology
