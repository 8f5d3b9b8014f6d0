// SPDX-License-Identifier: Apache-2.0
#include "temp_tree.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace xdpkit::topology::test {

namespace fs = std::filesystem;

std::filesystem::path fixture_root(std::string_view name) { return fs::path(XDPKIT_FIXTURES_DIR) / name / "root"; }

temp_tree::temp_tree() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/xdpkit-topology-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
}

temp_tree::~temp_tree() {
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

static fs::path under(const fs::path& dir, std::string_view p) {
  fs::path rel(p);
  return dir / rel.relative_path();
}

void temp_tree::write(std::string_view p, std::string_view text) const {
  fs::path f = under(dir_, p);
  fs::create_directories(f.parent_path());
  std::ofstream out(f, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("cannot write " + f.string());
}

void temp_tree::symlink(std::string_view p, std::string_view target) const {
  fs::path f = under(dir_, p);
  fs::create_directories(f.parent_path());
  fs::create_symlink(fs::path(target), f);
}

std::string temp_tree::read(std::string_view p) const {
  std::ifstream in(under(dir_, p), std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void temp_tree::copy_fixture(std::string_view name) const {
  fs::copy(fixture_root(name), dir_, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

}  // namespace xdpkit::topology::test
