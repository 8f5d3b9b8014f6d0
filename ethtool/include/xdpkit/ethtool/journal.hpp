// SPDX-License-Identifier: Apache-2.0
// The tune journal: one file per interface and network namespace,
// /run/xdpkit/<netns-inode>-<ifname>.journal, so eth0 in one namespace and
// eth0 in another never share a journal (the kernel may reuse a destroyed
// namespace's inode, so revert before deleting a namespace). One JSON object
// per line, each line written and fsynced before the change it describes is
// made. `revert` replays it backwards; a crash leaves it behind for the next
// start to replay.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::ethtool {

inline constexpr const char* kDefaultJournalDir = "/run/xdpkit";

// A line of a journal that cannot be replayed, and why.
struct damaged_line {
  std::size_t line = 0;  // 1-based
  std::string why;       // "torn: no newline at its end", "not JSON: ...", "not a step: ..."
};

// What a journal's text holds: the lines that are steps (an object with a
// "step" string), where each starts, and the lines that are not. Never throws.
struct journal_text {
  std::vector<nlohmann::json> entries;
  std::vector<std::size_t> offsets;  // byte offset of each entry's line
  std::vector<std::size_t> lines;    // 1-based line number of each entry
  std::vector<damaged_line> damaged;
};
journal_text parse_journal_text(std::string_view text);

// What open() does with a journal that has damaged lines.
enum class damage_policy {
  refuse,  // throw os_error (EPROTO) naming the path and every damaged line; the file stays
  skip,    // open with the good lines only (`xdpkit revert --force`); damaged() lists the rest
};

class journal {
 public:
  // Opens (creating the directory, mode 0700, and the file) the interface's
  // journal and takes an exclusive lock on it, so two tunes of one interface
  // cannot interleave. Throws os_error naming the path: EWOULDBLOCK when
  // another xdpkit holds it, ELOOP for a symlink in its place, EINVAL for
  // anything but a regular file, EPROTO (refuse) for a damaged line: a torn
  // line, a line that is not JSON or not a step. Nothing is cut or dropped:
  // a journal that cannot be replayed whole blocks tune and revert alike
  // until the user decides (revert --force).
  // The interface is `ifname` in the calling thread's network namespace.
  static journal open(const std::filesystem::path& dir, const std::string& ifname,
                      damage_policy on_damage = damage_policy::refuse);
  // The same for the namespace whose inode is `netns` (one that may be gone:
  // `xdpkit clean` still gives back what its journal holds outside the NIC).
  static journal open(const std::filesystem::path& dir, std::uint64_t netns, const std::string& ifname,
                      damage_policy on_damage = damage_policy::refuse);
  // The same for a journal at `path` that is not an interface's (the
  // service's sysctls); `damage_remedy` is what a damaged line's error tells
  // the user to do.
  static journal open_file(const std::filesystem::path& path, const std::string& damage_remedy,
                           damage_policy on_damage = damage_policy::refuse);
  // The path open() would use in the calling thread's namespace, and in the
  // namespace whose inode is `netns`. Throw os_error (EINVAL) for a name
  // that is not an interface name.
  static std::filesystem::path path_for(const std::filesystem::path& dir, const std::string& ifname);
  static std::filesystem::path path_for(const std::filesystem::path& dir, std::uint64_t netns,
                                        const std::string& ifname);
  // The namespace inode and interface a journal's file name says
  // (<netns>-<ifname>.journal); nullopt for any other name.
  struct file_name {
    std::uint64_t netns = 0;
    std::string ifname;
  };
  static std::optional<file_name> parse_file_name(const std::filesystem::path& path);
  // True when a journal file exists (without opening or locking it).
  static bool exists(const std::filesystem::path& dir, const std::string& ifname);
  // The name xdpkit used before journals carried the namespace
  // (<ifname>.journal). Never opened: such a file cannot say which
  // namespace's interface it describes, so only the user can adopt it.
  static std::filesystem::path legacy_path_for(const std::filesystem::path& dir, const std::string& ifname);

  // The inode number of the calling thread's network namespace (stat of
  // /proc/thread-self/ns/net), what `ip netns identify` and `lsns` compare.
  // Throws os_error when /proc is not mounted.
  static std::uint64_t current_netns();

  journal(journal&&) noexcept = default;
  journal& operator=(journal&&) noexcept = default;

  const std::vector<nlohmann::json>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  const std::filesystem::path& path() const noexcept { return path_; }
  // The file's line number of entry `i`, for messages.
  std::size_t line_of(std::size_t i) const noexcept { return i < lines_.size() ? lines_[i] : 0; }
  // With damage_policy::skip: the lines left out.
  const std::vector<damaged_line>& damaged() const noexcept { return damaged_; }

  // Appends one line and fsyncs it. Throws os_error.
  void append(const nlohmann::json& entry);
  // Keeps the first `n` entries (the file is cut at the first dropped line,
  // so a crash leaves the old or the new journal, never half of one).
  void truncate(std::size_t n);
  // Deletes the file (the journal must be empty: everything was reverted).
  void remove();

 private:
  journal(std::filesystem::path path, unique_fd fd, journal_text text) noexcept;

  std::filesystem::path path_;
  unique_fd fd_;  // holds the flock
  std::vector<nlohmann::json> entries_;
  std::vector<std::size_t> offsets_;  // byte offset of each entry's line
  std::vector<std::size_t> lines_;
  std::vector<damaged_line> damaged_;
};

}  // namespace xdpkit::ethtool
