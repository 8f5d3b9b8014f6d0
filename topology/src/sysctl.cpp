// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/sysctl.hpp"

#include <cerrno>
#include <stdexcept>
#include <utility>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

std::string sysctl_path(std::string_view name) {
  if (name.empty()) throw std::invalid_argument("empty sysctl name");
  // sysctl(8): with a '/' anywhere, '/' separates and dots are literal.
  const char sep = name.find('/') != std::string_view::npos ? '/' : '.';
  std::string path = "/proc/sys";
  for (auto part : text::split(name, sep)) {
    if (part.empty() || part == "." || part == ".." || part.find('\0') != std::string_view::npos)
      throw std::invalid_argument("bad sysctl name " + xdpkit::quote(std::string(name)));
    path += '/';
    path += part;
  }
  return path;
}

std::optional<std::string> read_sysctl(const host_root& root, std::string_view name) {
  auto v = root.try_read(sysctl_path(name));
  if (!v) return std::nullopt;
  return std::string(text::trim(*v));
}

sysctl_change::sysctl_change(host_root root, sysctl_record rec) noexcept
    : root_(std::move(root)), record_(std::move(rec)), active_(true) {}

sysctl_change sysctl_change::apply(const host_root& root, std::string_view name, std::string_view value) {
  const std::string path = sysctl_path(name);
  auto old = root.try_read(path);
  if (!old) throw os_error(ENOENT, "read sysctl", root.resolve(path).string(), "this kernel has no " + std::string(name));
  sysctl_record rec{std::string(name), std::string(text::trim(*old)), std::string(value)};
  root.write(path, value);
  return sysctl_change(root, std::move(rec));
}

sysctl_change::sysctl_change(sysctl_change&& o) noexcept
    : root_(std::move(o.root_)), record_(std::move(o.record_)), active_(std::exchange(o.active_, false)) {}

sysctl_change& sysctl_change::operator=(sysctl_change&& o) noexcept {
  if (this != &o) {
    try {
      restore();
    } catch (...) {
    }
    root_ = std::move(o.root_);
    record_ = std::move(o.record_);
    active_ = std::exchange(o.active_, false);
  }
  return *this;
}

sysctl_change::~sysctl_change() {
  try {
    restore();
  } catch (...) {
  }
}

void sysctl_change::restore() {
  if (!active_) return;
  root_.write(sysctl_path(record_.name), record_.old_value);
  active_ = false;
}

}  // namespace xdpkit::topology
