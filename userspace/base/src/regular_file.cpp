// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/regular_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/base/read_all.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit {

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
                   : err == EACCES || err == EPERM                ? privilege_hint()
                                                                  : "");
  }
  std::string out;
  if (const auto failed = read_all(fd.get(), options.max_bytes, out)) {
    if (failed->err == EISDIR) throw os_error(EISDIR, op, path.string(), "give a file, not a directory");
    if (!failed->kind.empty())
      throw os_error(failed->err, op, path.string(), "it is " + std::string(failed->kind) + ", not a regular file");
    if (failed->err == EFBIG)
      throw os_error(EFBIG, op, path.string(),
                     "larger than " + std::to_string(options.max_bytes >> 10) + " KiB, more than such a file holds");
    throw_os_error(failed->err, op, path.string(),
                   failed->err == EACCES || failed->err == EPERM ? privilege_hint() : std::string());
  }
  return out;
}

}  // namespace xdpkit
