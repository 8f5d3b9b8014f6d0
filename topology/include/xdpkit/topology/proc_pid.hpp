// SPDX-License-Identifier: Apache-2.0
// /proc/<pid>/stat and /proc/<pid>/status, and finding processes by name.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

// The fields of /proc/<pid>/stat that xdpkit uses (man 5 proc numbering).
struct pid_stat {
  int pid = 0;            // (1)
  std::string comm;       // (2) raw bytes between the first '(' and the last ')'
  char state = '?';       // (3)
  int ppid = 0;           // (4)
  std::uint64_t utime = 0;   // (14) clock ticks
  std::uint64_t stime = 0;   // (15)
  std::int64_t priority = 0; // (18)
  std::int64_t nice = 0;     // (19)
  std::int64_t num_threads = 0;  // (20)
  std::uint64_t starttime = 0;   // (22)
  std::int64_t rss_pages = 0;    // (24)
  std::optional<int> processor;          // (39) CPU last run on, since 2.2.8
  std::optional<unsigned> rt_priority;   // (40)
  std::optional<unsigned> policy;        // (41) SCHED_*
};

// comm may hold spaces, parentheses and newlines ("a) b (c"), so it is taken
// between the first '(' and the LAST ')'; the fields after it are split on
// spaces. Throws parse_error naming `source` when the parentheses are missing
// or any of fields 1-24 is missing or not a number. Fields 39-41 are optional
// (old kernels, truncated text).
pid_stat parse_pid_stat(std::string_view text, std::string_view source = {});

struct pid_status {
  // Every "Key:\tvalue" line, value trimmed. "Name" keeps the kernel's escapes
  // ("\n" is written as the two characters '\' 'n').
  std::map<std::string, std::string, std::less<>> fields;

  std::optional<std::string_view> get(std::string_view key) const;
  std::string name() const;                       // Name, "" when absent
  std::optional<int> pid() const;                 // Pid
  std::optional<int> ppid() const;                // PPid
  std::optional<cpu_set> cpus_allowed() const;    // Cpus_allowed_list
  std::optional<cpu_set> mems_allowed() const;    // Mems_allowed_list
  std::optional<std::uint64_t> kb(std::string_view key) const;  // "VmRSS" -> 1234 (kB)
  std::optional<std::uint64_t> number(std::string_view key) const;  // "Threads"
};

// Lines without ':' are kept out, not fatal (status gains fields every release).
// Throws parse_error only when the text holds no "key: value" line at all.
// The typed accessors throw parse_error when the value is malformed.
pid_status parse_pid_status(std::string_view text, std::string_view source = {});

// Process ids under <root>/proc, ascending.
std::vector<int> list_pids(const host_root& root);
// /proc/<pid>/stat, std::nullopt when the process has gone (or is absent);
// throws parse_error for malformed text, os_error for other read errors.
std::optional<pid_stat> read_pid_stat(const host_root& root, int pid);
std::optional<pid_status> read_pid_status(const host_root& root, int pid);
// "self" for the calling process: /proc/self/status.
pid_status read_self_status(const host_root& root);
// Every process whose stat comm equals `comm` exactly (kernel threads included);
// processes that vanish or have unreadable stat files are skipped.
std::vector<pid_stat> find_processes(const host_root& root, std::string_view comm);

}  // namespace xdpkit::topology
