// SPDX-License-Identifier: Apache-2.0
// A throw-away directory tree for tests that need files: hand-written sysfs
// snippets, or a writable copy of a fixture (for the owners that write).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace xdpkit::topology::test {

class temp_tree {
 public:
  temp_tree();  // mkdtemp under $TMPDIR or /tmp
  temp_tree(const temp_tree&) = delete;
  temp_tree& operator=(const temp_tree&) = delete;
  ~temp_tree();  // removes everything

  const std::filesystem::path& path() const noexcept { return dir_; }
  // Writes `text` at host path `p` ("/sys/..."), creating directories.
  void write(std::string_view p, std::string_view text) const;
  void symlink(std::string_view p, std::string_view target) const;
  std::string read(std::string_view p) const;
  // Copies a fixture's root/ into this tree (symlinks kept).
  void copy_fixture(std::string_view name) const;

 private:
  std::filesystem::path dir_;
};

std::filesystem::path fixture_root(std::string_view name);

}  // namespace xdpkit::topology::test
