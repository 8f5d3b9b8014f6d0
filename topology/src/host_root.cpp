// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/host_root.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/base/read_all.hpp"
#include "xdpkit/base/unique_fd.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_file_size = 64u << 20;

bool absent_errno(int err) {
  return err == ENOENT || err == ENOTDIR || err == ENODEV || err == ENXIO || err == EINVAL ||
         err == EOPNOTSUPP;
}

// 0 on success, else the errno; `kind` says what the file was when it was not
// a regular file. Kept errno-based so try_read() can tell "absent" from
// "broken" without exceptions on the common path. O_NONBLOCK: under --root a
// FIFO can stand where an attribute should be, and its open must not hang.
int read_file(const fs::path& p, std::string& out, std::string_view& kind) {
  unique_fd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd) return errno;
  if (const auto failed = read_all(fd.get(), max_file_size, out)) {
    kind = failed->kind;
    return failed->err;
  }
  return 0;
}

std::string hint_for(int err) {
  if (err == EACCES || err == EPERM) return privilege_hint();
  if (err == EFBIG) return "the file is larger than any sysfs/procfs file xdpkit reads; is --root right?";
  return {};
}

[[noreturn]] void fail_read(int err, std::string_view kind, const fs::path& p) {
  if (!kind.empty())
    throw os_error(err, "read", p.string(),
                   "it is " + std::string(kind) + ", where the kernel has a regular file; is --root right?");
  throw os_error(err, "read", p.string(), hint_for(err));
}

}  // namespace

host_root::host_root(fs::path root) : root_(root.empty() ? fs::path("/") : std::move(root)) {}

fs::path host_root::resolve(std::string_view host_path) const {
  fs::path rel(host_path);
  for (const auto& part : rel) {
    if (part == "..") throw std::invalid_argument("path " + xdpkit::quote(std::string(host_path)) + " leaves the root");
  }
  if (rel.is_absolute()) rel = rel.relative_path();
  return root_ / rel;
}

std::string host_root::read(std::string_view host_path) const {
  fs::path p = resolve(host_path);
  std::string out;
  std::string_view kind;
  if (int err = read_file(p, out, kind)) fail_read(err, kind, p);
  return out;
}

std::optional<std::string> host_root::try_read(std::string_view host_path) const {
  fs::path p = resolve(host_path);
  std::string out;
  std::string_view kind;
  if (int err = read_file(p, out, kind)) {
    // A FIFO or a directory in a file's place is a broken tree, not a value
    // the kernel does not report, even though the errno (EINVAL) is the same.
    if (kind.empty() && absent_errno(err)) return std::nullopt;
    fail_read(err, kind, p);
  }
  return out;
}

std::optional<std::string> host_root::try_read_line(std::string_view host_path) const {
  auto text = try_read(host_path);
  if (!text) return std::nullopt;
  std::string_view s(*text);
  if (auto nl = s.find('\n'); nl != std::string_view::npos) s = s.substr(0, nl);
  const char* ws = " \t\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return std::string();
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

void host_root::write(std::string_view host_path, std::string_view value) const {
  fs::path p = resolve(host_path);
  unique_fd fd(::open(p.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd) {
    int err = errno;
    throw os_error(err, "open for writing", p.string(), hint_for(err));
  }
  // One write(): sysfs and procfs attributes take the value in a single call;
  // a short write would leave half a value applied.
  ssize_t n;
  do {
    n = ::write(fd.get(), value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    int err = errno;
    throw os_error(err, "write " + xdpkit::quote(std::string(value)) + " to", p.string(),
                   err == EINVAL ? "the kernel refused this value" : hint_for(err));
  }
  if (static_cast<std::size_t>(n) != value.size()) throw os_error(EIO, "short write to", p.string());
}

bool host_root::exists(std::string_view host_path) const {
  std::error_code ec;
  return fs::exists(resolve(host_path), ec);
}

bool host_root::is_directory(std::string_view host_path) const {
  std::error_code ec;
  return fs::is_directory(resolve(host_path), ec);
}

std::vector<std::string> host_root::list(std::string_view host_path) const {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(resolve(host_path), ec);
  // increment(ec), not ++: /proc entries vanish while we walk and must not throw.
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> host_root::resolve_link(std::string_view host_path) const {
  std::error_code ec;
  fs::path p = resolve(host_path);
  if (!fs::is_symlink(p, ec)) return std::nullopt;
  fs::path target = fs::read_symlink(p, ec);
  if (ec) return std::nullopt;
  // Relative links (all of sysfs) resolve against the link's directory, lexically,
  // so a fixture tree works without the link targets' parents being real.
  fs::path full = target.is_absolute() ? resolve(target.string()) : (p.parent_path() / target);
  fs::path canon = fs::weakly_canonical(full, ec);
  if (ec) return std::nullopt;
  fs::path root_canon = fs::weakly_canonical(root_, ec);
  if (ec) return std::nullopt;
  auto rel = canon.lexically_relative(root_canon);
  if (rel.empty() || *rel.begin() == "..") return std::nullopt;
  return "/" + rel.generic_string();
}

}  // namespace xdpkit::topology
