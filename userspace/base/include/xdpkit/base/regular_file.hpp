// SPDX-License-Identifier: Apache-2.0
// read_regular_file: the one way to read a file a user named (rules, a
// config, a journal). It cannot hang and cannot grow without bound: the open
// does not block (O_NONBLOCK: a FIFO with no writer), anything but a regular
// file is refused before a byte is read (a FIFO, a directory, /dev/zero), the
// read stops at `max_bytes`, and a failed read is an error, never a short
// text that parses as fewer lines.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace xdpkit {

struct read_options {
  std::size_t max_bytes = 16u << 20;
  bool follow_symlinks = true;  // false: O_NOFOLLOW, a symlink in the file's place is refused (ELOOP)
};

// The whole file. Throws os_error naming `what` and the path: the open's errno
// (ENOENT, EACCES, ELOOP), EISDIR for a directory, EINVAL for a FIFO, socket
// or device (the hint says which), EFBIG above max_bytes, a read's errno.
std::string read_regular_file(const std::filesystem::path& path, std::string_view what, read_options options = {});

}  // namespace xdpkit
