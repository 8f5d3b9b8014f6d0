// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit {

namespace {
const char* kind_of(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  return "not a regular file";
}
}  // namespace

std::string read_regular_file(const std::filesystem::path& path, std::string_view what, read_options options) {
  const std::string op = "read " + std::string(what);
  int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
  if (!options.follow_symlinks) flags |= O_NOFOLLOW;
  const unique_fd fd(::open(path.c_str(), flags));
  if (!fd) {
    const int err = errno;
    throw os_error(err, op, path.string(),
                   err == ELOOP && !options.follow_symlinks ? "a symlink stands where the file should be; xdpkit "
                                                              "does not follow it"
                                                            : "");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_os_error(errno, op, path.string());
  if (S_ISDIR(st.st_mode)) throw os_error(EISDIR, op, path.string(), "give a file, not a directory");
  if (!S_ISREG(st.st_mode))
    throw os_error(EINVAL, op, path.string(), std::string("it is ") + kind_of(st.st_mode) + ", not a regular file");
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_os_error(errno, op, path.string());
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > options.max_bytes)
      throw os_error(EFBIG, op, path.string(),
                     "larger than " + std::to_string(options.max_bytes >> 10) + " KiB, more than such a file holds");
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace xdpkit
