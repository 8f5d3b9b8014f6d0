// SPDX-License-Identifier: Apache-2.0
// The service's log, as [log] says: what happened, one record per line of
// text, at a syslog priority, filtered by level, and sent to journald or to
// stderr. To journald it goes through its native protocol (sd_journal_send),
// so every record carries PRIORITY, SYSLOG_IDENTIFIER=xdpkit and the fields
// XDPKIT_EVENT (start, ready, interval, reload, stalled, summary, stop, error)
// and XDPKIT_INTERFACE: `journalctl -u xdpkit XDPKIT_EVENT=reload -p warning`
// finds a failed reload without a grep. `up --json` keeps its event stream on
// stdout beside this log, unfiltered: the stream is for programs, the log for
// people and the journal.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "xdpkit/config/config.hpp"

namespace xdpkit::service {

// Syslog priorities, which journald's PRIORITY field takes.
enum class log_level { error = 3, warn = 4, info = 6, debug = 7 };
std::optional<log_level> parse_log_level(std::string_view word);  // error, warn, info, debug
const char* to_string(log_level level);

enum class log_target { stderr_stream, journald };
const char* to_string(log_target target);

// True when `fd` is the stream systemd connected to the journal: systemd sets
// $JOURNAL_STREAM to its "DEVICE:INODE" (systemd.exec(5)), and a child that
// inherited the variable but writes elsewhere (a pipe, a terminal) does not match.
bool fd_is_journal_stream(int fd, const char* journal_stream);

class service_log {
 public:
  // target "auto": journald when stderr is the journal's stream, else stderr.
  // Throws std::invalid_argument for a level or target config did not check.
  explicit service_log(const config::log_settings& settings, int stderr_fd = 2);

  log_target target() const noexcept { return target_; }
  log_level level() const noexcept { return level_; }
  bool enabled(log_level l) const noexcept { return static_cast<int>(l) <= static_cast<int>(level_); }

  // Writes `text` (lines; a trailing newline is not a line) at `l` when
  // enabled. On stderr each line reads "xdpkit up: TEXT" unless it starts
  // with the interface's name. A record journald refuses goes to stderr, and
  // the first refusal is said there once.
  void write(log_level l, std::string_view event, std::string_view text, std::string_view interface = {}) const;

 private:
  void to_stderr(std::string_view line) const;
  log_target target_;
  log_level level_;
  int fd_;
  std::string journal_problem_;  // why journald cannot take records, found at construction
  mutable bool journal_refused_ = false;
};

}  // namespace xdpkit::service
