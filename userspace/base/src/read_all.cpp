// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/read_all.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace xdpkit {

namespace {
std::string_view kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  return "not a regular file";
}
}  // namespace

std::optional<read_failure> read_all(int fd, std::size_t max_bytes, std::string& out) {
  out.clear();
  struct stat st {};
  if (::fstat(fd, &st) != 0) return read_failure{errno, {}};
  if (!S_ISREG(st.st_mode)) return read_failure{S_ISDIR(st.st_mode) ? EISDIR : EINVAL, kind_of(st.st_mode)};
  // sysfs reports st_size 4096 for every attribute and procfs 0, so the size
  // is no guide: read to EOF.
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return read_failure{errno, {}};
    }
    if (n == 0) return std::nullopt;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) return read_failure{EFBIG, {}};
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace xdpkit
