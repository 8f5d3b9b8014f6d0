// SPDX-License-Identifier: Apache-2.0
// read_all: the one loop that reads an open file to its end. Every reader of
// outside files (host_root's /sys and /proc, rule and config files, journals)
// goes through it, so all of them refuse the same things the same way: what
// is not a regular file (a FIFO would block, /dev/zero never ends), a file
// past its cap, and a read that fails part way (never a short text that
// parses as fewer lines).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace xdpkit {

// Why read_all() gave up. `kind` names what the file was when it was not a
// regular file ("a FIFO", "a directory"); it is empty for a read's errno and
// for EFBIG, so a caller can tell "this is not a file at all" from "reading it
// failed" without looking at the errno (EINVAL means both in the kernel).
struct read_failure {
  int err = 0;
  std::string_view kind;
};

// Reads `fd` from its current offset to EOF into `out` (replacing it). Checks
// first with fstat() that it is a regular file (sysfs and procfs attributes
// are), retries EINTR, and stops with EFBIG once more than `max_bytes` came.
// The fd should be opened O_NONBLOCK: a FIFO's open then cannot hang either.
std::optional<read_failure> read_all(int fd, std::size_t max_bytes, std::string& out);

}  // namespace xdpkit
