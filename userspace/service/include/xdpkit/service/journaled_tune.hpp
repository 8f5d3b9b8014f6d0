// SPDX-License-Identifier: Apache-2.0
// journaled_tune: an interface tuned for as long as the service runs. Every
// step goes to the service's own journal, RUN_DIR/up/<netns>-<ifname>.journal,
// apart from the journals of `xdpkit tune` (RUN_DIR), so a service never
// replays a user's tune and `xdpkit revert` never undoes a running service's.
// The journal stays locked while the service runs; revert() (or the
// destructor) puts back every step and removes the file. A journal a dead
// service left (kill -9, a power cut before its revert) is replayed by the
// next start() before it tunes anything.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::service {

// Where a service journals, under the run directory (/run/xdpkit).
std::filesystem::path service_journal_dir(const std::filesystem::path& run_dir);

class journaled_tune {
 public:
  // Replays a journal a dead service left for `ifname`, then applies `req`
  // (which may be empty: the replay alone). Refuses (os_error, EBUSY) while
  // `xdpkit tune` holds changes of the same interface in RUN_DIR: the two
  // would undo each other's values. Throws ethtool::tune_error after rolling
  // back its own steps, os_error for the journal.
  static journaled_tune start(const std::string& ifname, const ethtool::tune_request& req,
                              const std::filesystem::path& run_dir, const topology::host_root& root,
                              std::shared_ptr<ethtool::transport> nic = nullptr);

  journaled_tune(journaled_tune&&) noexcept;
  journaled_tune& operator=(journaled_tune&&) noexcept;
  // Reverts what revert() has not, swallowing errors: the journal then stays
  // for `xdpkit clean` or the next start.
  ~journaled_tune();

  // Puts back every step, newest first, and removes the journal. Throws
  // ethtool::tune_error naming the step that could not be undone (the journal
  // keeps it and what came before). Once it returned, the destructor does nothing.
  std::vector<ethtool::step_report> revert();

  const std::string& ifname() const noexcept;
  const std::filesystem::path& journal_path() const noexcept;
  std::size_t entries() const noexcept;  // steps held for the revert
  const std::vector<ethtool::step_report>& replayed() const noexcept;  // what a dead service had left
  const std::vector<ethtool::step_report>& applied() const noexcept;   // what this start changed (and left alone)

 private:
  struct state;
  explicit journaled_tune(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::service
