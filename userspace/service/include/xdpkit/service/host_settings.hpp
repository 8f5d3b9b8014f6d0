// SPDX-License-Identifier: Apache-2.0
// host_settings: what a service changes on the host that is not one
// interface's, held for as long as it runs: the sysctls of [sysctl] (the
// host's, kernel.* and vm.*, or the network namespace's, most of net.*) and
// the workers' cpuset cgroups ([process] cpuset). One journal beside the
// interfaces', RUN_DIR/up/<netns>.host.journal, one line per change (a
// sysctl's old and new value, a cgroup's path) fsynced before it is made.
// The stop undoes them newest first: a sysctl someone set to another value
// since is left, and said so; a dead service's journal is replayed by the
// next start or `xdpkit clean` in the namespace it names.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::service {

// RUN_DIR/up/<netns>.host.journal (never an interface's name: those are
// <netns>-<ifname>.journal).
std::filesystem::path settings_journal_path(const std::filesystem::path& run_dir, std::uint64_t netns);
// The namespace inode a settings journal's file name carries; nullopt for any other file.
std::optional<std::uint64_t> settings_journal_netns(const std::filesystem::path& path);
// Opens (and locks) a settings journal: os_error EWOULDBLOCK while a running `up` holds it.
ethtool::journal open_settings_journal(const std::filesystem::path& path);

// The journal line of `name` changed from `old_value` to `new_value`.
nlohmann::json sysctl_line(const std::string& name, const std::string& old_value, const std::string& new_value);

// The journal line of a cpuset cgroup the service makes (and, v2, the
// cgroup whose subtree_control got "+cpuset" for it).
nlohmann::json cgroup_line(const std::filesystem::path& dir, const std::filesystem::path& enabled_in);

// True for the sysctls of a network namespace (net.*): they go with it.
bool belongs_to_netns(const std::string& name);

// Puts back every line, newest first, and removes the file. With
// `namespace_gone` the net.* lines are dropped unwritten (the namespace took
// them with it) and the rest are written here. Throws ethtool::tune_error
// naming the line that could not be written (it and older lines stay).
std::vector<ethtool::step_report> revert_settings_journal(const topology::host_root& root, ethtool::journal& log,
                                                        bool namespace_gone = false);

class host_settings {
 public:
  // Replays a journal a dead service left in this namespace, then sets
  // `values` (name -> value), each journaled first; a value the sysctl
  // already has is left out of the journal. Throws std::invalid_argument for
  // a sysctl this kernel or namespace does not have, os_error for one the
  // kernel refuses (naming it and its path), after putting back what it set.
  static host_settings start(const std::map<std::string, std::string>& values, const std::filesystem::path& run_dir,
                            const topology::host_root& root);

  host_settings(host_settings&&) noexcept;
  host_settings& operator=(host_settings&&) noexcept;
  ~host_settings();  // revert(), errors swallowed: the journal keeps what is left

  // Puts `tids` (the workers of `ifname`, pinned to `pins`) into a cpuset of
  // their own, `cpus` and memory node `node`, journaled first: named
  // xdpkit-up-<pid>-<ifname> under the cgroup up runs in. Returns its
  // directory. Throws std::runtime_error when the host has no cpuset to
  // make one in (saying what to do), os_error for a file the kernel refused.
  std::filesystem::path confine_workers(const std::string& ifname, const std::vector<pid_t>& tids,
                                        const std::vector<int>& pins, unsigned node);

  // Writes every old value back (and removes every cgroup), newest first, and removes the journal.
  // Once it returned, the destructor does nothing.
  std::vector<ethtool::step_report> revert();

  const std::filesystem::path& journal_path() const noexcept;
  std::size_t entries() const noexcept;
  const std::vector<ethtool::step_report>& replayed() const noexcept;
  const std::vector<ethtool::step_report>& applied() const noexcept;

 private:
  struct state;
  explicit host_settings(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::service
