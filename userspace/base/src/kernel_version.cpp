// SPDX-License-Identifier: Apache-2.0
#include <sys/utsname.h>

#include <cerrno>
#include <charconv>

#include "xdpkit/base/not_supported.hpp"
#include "xdpkit/base/os_error.hpp"

namespace xdpkit {

namespace {
// Reads a decimal at `s`, moves past it; false when there is none.
bool take_number(std::string_view& s, int& out) noexcept {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}
}  // namespace

std::optional<kernel_version> kernel_version::parse(std::string_view s) noexcept {
  kernel_version v;
  if (!take_number(s, v.major) || s.empty() || s.front() != '.') return std::nullopt;
  s.remove_prefix(1);
  if (!take_number(s, v.minor)) return std::nullopt;
  if (!s.empty() && s.front() == '.') {
    s.remove_prefix(1);
    if (!take_number(s, v.patch)) v.patch = 0;
  }
  return v;
}

std::string kernel_version::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

kernel_version running_kernel() {
  utsname u{};
  if (::uname(&u) != 0) throw_os_error(errno, "uname", "");
  auto v = kernel_version::parse(u.release);
  if (!v) throw os_error(EINVAL, "parse the kernel release", u.release, "uname gave no <major>.<minor>");
  return *v;
}

std::string not_supported::message(const kernel_version& running) const {
  std::string m = feature + " needs Linux " + std::to_string(min_kernel.major) + "." +
                  std::to_string(min_kernel.minor) + " or newer (this is " + running.str() + ")";
  if (!detail.empty()) m += ": " + detail;
  return m;
}

}  // namespace xdpkit
