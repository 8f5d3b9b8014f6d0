// The tune journal: one file per interface (/run/xdpkit/<ifname>.journal),
// one JSON object per line, each line written and fsynced before the change
// it describes is made. `revert` replays it backwards; a crash leaves it
// behind for the next start to replay.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace xdpkit::ethtool {

inline constexpr const char* kDefaultJournalDir = "/run/xdpkit";

class journal {
 public:
  // Opens (creating the directory, mode 0700, and the file) the interface's
  // journal and takes an exclusive lock on it, so two tunes of one interface
  // cannot interleave. Throws ethtool::error naming the path: EWOULDBLOCK when
  // another xdpkit holds it, EPROTO for a line that is not JSON.
  static journal open(const std::filesystem::path& dir, const std::string& ifname);
  // The path open() would use.
  static std::filesystem::path path_for(const std::filesystem::path& dir, const std::string& ifname);
  // True when a journal file exists (without opening or locking it).
  static bool exists(const std::filesystem::path& dir, const std::string& ifname);

  journal(journal&& o) noexcept;
  journal& operator=(journal&& o) noexcept;
  journal(const journal&) = delete;
  journal& operator=(const journal&) = delete;
  ~journal();

  const std::vector<nlohmann::json>& entries() const noexcept { return entries_; }
  std::size_t size() const noexcept { return entries_.size(); }
  const std::filesystem::path& path() const noexcept { return path_; }

  // Appends one line and fsyncs it. Throws ethtool::error.
  void append(const nlohmann::json& entry);
  // Keeps the first `n` entries (the file is cut at the first dropped line,
  // so a crash leaves the old or the new journal, never half of one).
  void truncate(std::size_t n);
  // Deletes the file (the journal must be empty: everything was reverted).
  void remove();

 private:
  journal(std::filesystem::path path, int fd, std::vector<nlohmann::json> entries,
          std::vector<std::size_t> offsets) noexcept;
  void close() noexcept;

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<nlohmann::json> entries_;
  std::vector<std::size_t> offsets_;  // byte offset of each entry's line
};

}  // namespace xdpkit::ethtool
