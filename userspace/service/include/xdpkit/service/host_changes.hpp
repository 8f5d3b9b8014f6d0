// SPDX-License-Identifier: Apache-2.0
// host_changes: everything the service changes on the host for one
// interface, held for as long as it runs: the NIC's tune (channels, rings,
// RSS, ntuple, IRQ affinity, RPS/XPS, NAPI knobs: ethtool's steps) and the
// huge-page pool grown for the interface's UMEMs. One journal holds them all,
// RUN_DIR/up/<netns>-<ifname>.journal, one line per change, fsynced before
// the change is made, apart from the journals of `xdpkit tune` (RUN_DIR), so a
// service never replays a user's tune and `xdpkit revert` never undoes a
// running service's. The journal stays locked while the service runs;
// revert() (or the destructor) puts back every change, newest first, and
// removes the file. A journal a dead service left (kill -9, a power cut before
// its revert) is replayed by the next start() before it changes anything, or
// by `xdpkit clean`, both through revert_host_journal().
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::service {

// Where a service journals, under the run directory (/run/xdpkit).
std::filesystem::path service_journal_dir(const std::filesystem::path& run_dir);

// Puts back every line of a service journal, newest first: the pool lines
// here, the NIC's through ethtool::revert. Removes the file once empty.
// A pool gives back the pages the line says it grew by, from whatever size
// it has now (another owner may have grown it since; writing the old size
// back would take that owner's pages); one that has fewer pages now than
// that is left alone and said so. Throws ethtool::tune_error naming the
// line that could not be undone (it and older lines stay).
std::vector<ethtool::step_report> revert_host_journal(const ethtool::tune_context& ctx, ethtool::journal& log);
// The journal line of a pool of `node` grown from `old_total` to `new_total`
// pages of `page_size_kb`.
nlohmann::json pool_line(unsigned node, std::uint64_t page_size_kb, std::uint64_t old_total, std::uint64_t new_total);
// True for a journal line of a grown huge-page pool (every other line is ethtool's).
bool is_pool_line(const nlohmann::json& line);
// Only the pool lines at the journal's end (the pools are the host's, not a
// namespace's: this works when the interface's namespace is gone). Removes
// the file when nothing else is left.
std::vector<ethtool::step_report> give_back_pools(const topology::host_root& root, ethtool::journal& log);

class host_changes {
 public:
  // Replays a journal a dead service left for `ifname`, then applies `req`
  // (which may be empty: the replay alone). Refuses (os_error, EBUSY) while
  // `xdpkit tune` holds changes of the same interface in RUN_DIR: the two
  // would undo each other's values. Throws ethtool::tune_error after rolling
  // back its own steps, os_error for the journal.
  static host_changes start(const std::string& ifname, const ethtool::tune_request& req,
                              const std::filesystem::path& run_dir, const topology::host_root& root,
                              std::shared_ptr<ethtool::transport> nic = nullptr);

  host_changes(host_changes&&) noexcept;
  host_changes& operator=(host_changes&&) noexcept;
  // Reverts what revert() has not, swallowing errors: the journal then stays
  // for `xdpkit clean` or the next start.
  ~host_changes();

  // Grows the `page_size_kb` pool of `node` by `pages`, journaled
  // first. Throws os_error (ENOMEM: the kernel found fewer free blocks; the
  // pool and the journal are as before) naming the pool's path.
  ethtool::step_report reserve_hugepages(unsigned node, std::uint64_t page_size_kb, std::uint64_t pages);

  // Puts back every change, newest first, and removes the journal. Throws
  // ethtool::tune_error naming the step that could not be undone (the journal
  // keeps it and what came before). Once it returned, the destructor does nothing.
  std::vector<ethtool::step_report> revert();

  const std::string& ifname() const noexcept;
  const std::filesystem::path& journal_path() const noexcept;
  std::size_t entries() const noexcept;  // changes held for the revert
  const std::vector<ethtool::step_report>& replayed() const noexcept;  // what a dead service had left
  const std::vector<ethtool::step_report>& applied() const noexcept;   // what this start changed (and left alone)

 private:
  struct state;
  explicit host_changes(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::service
