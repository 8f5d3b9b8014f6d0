// SPDX-License-Identifier: Apache-2.0
// A lab that grows a huge-page pool leaves a note in /run/xdpkit/ saying so,
// and removes it after putting the pool back. If the process is killed before
// that, the note survives, and the next lab start finds it (its pid is gone)
// and puts the pool back for it: a crash costs the host nothing for long.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/topology/hugepages.hpp"

namespace xdpkit::lab {

class pool_note {
 public:
  // Writes /run/xdpkit/lab-<pid>-hugepages.json for `r` (fsynced). Throws
  // std::runtime_error naming the path when it can't.
  static pool_note write(const topology::hugepage_reservation& r, const std::string& dir = "/run/xdpkit");
  pool_note(pool_note&& o) noexcept;
  pool_note(const pool_note&) = delete;
  pool_note& operator=(const pool_note&) = delete;
  ~pool_note();  // removes the note

  const std::string& path() const noexcept { return path_; }

 private:
  explicit pool_note(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Puts back the pools of notes whose process is gone, when the pool still has
// the size that process set (someone else changed it otherwise: leave it and
// say so), and removes those notes. Returns one sentence per note handled.
// The notes in `dir` whose lab process is gone (what restore_stale_pool_notes
// would put back), for a dry run.
std::vector<std::string> stale_pool_notes(const std::string& dir = "/run/xdpkit");
std::vector<std::string> restore_stale_pool_notes(const topology::host_root& root,
                                                  const std::string& dir = "/run/xdpkit");

}  // namespace xdpkit::lab
