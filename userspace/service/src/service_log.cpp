// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/service_log.hpp"

#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "xdpkit/base/quote.hpp"

namespace xdpkit::service {

namespace {
constexpr const char* kJournalSocket = "/run/systemd/journal/socket";
}  // namespace

std::optional<log_level> parse_log_level(std::string_view w) {
  if (w == "error") return log_level::error;
  if (w == "warn") return log_level::warn;
  if (w == "info") return log_level::info;
  if (w == "debug") return log_level::debug;
  return std::nullopt;
}

const char* to_string(log_level l) {
  switch (l) {
    case log_level::error: return "error";
    case log_level::warn: return "warn";
    case log_level::info: return "info";
    case log_level::debug: return "debug";
  }
  return "?";
}

const char* to_string(log_target t) { return t == log_target::journald ? "journald" : "stderr"; }

bool fd_is_journal_stream(int fd, const char* journal_stream) {
  if (!journal_stream) return false;
  const std::string_view v(journal_stream);
  const auto colon = v.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long dev = 0, ino = 0;
  const auto d = std::from_chars(v.data(), v.data() + colon, dev);
  const auto i = std::from_chars(v.data() + colon + 1, v.data() + v.size(), ino);
  if (d.ec != std::errc{} || d.ptr != v.data() + colon || i.ec != std::errc{} || i.ptr != v.data() + v.size()) return false;
  struct stat st;
  if (::fstat(fd, &st) < 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

service_log::service_log(const config::log_settings& s, int stderr_fd) : fd_(stderr_fd) {
  const auto l = parse_log_level(s.level);
  if (!l) throw std::invalid_argument("[log] level " + xdpkit::quote(s.level) + " is not one of error, warn, info, debug");
  level_ = *l;
  if (s.target == "journald") target_ = log_target::journald;
  else if (s.target == "stderr") target_ = log_target::stderr_stream;
  else if (s.target == "auto")
    target_ = fd_is_journal_stream(stderr_fd, std::getenv("JOURNAL_STREAM")) ? log_target::journald : log_target::stderr_stream;
  else throw std::invalid_argument("[log] target " + xdpkit::quote(s.target) + " is not one of auto, stderr, journald");
  // sd_journal_send drops a record without a word when nobody listens on the
  // socket (ENOENT counts as success), so see for ourselves.
  struct stat st;
  if (target_ == log_target::journald && (::stat(kJournalSocket, &st) < 0 || !S_ISSOCK(st.st_mode)))
    journal_problem_ = std::string("no journald listens on ") + kJournalSocket;
}

void service_log::to_stderr(std::string_view line) const {
  std::string out(line);
  out += '\n';
  for (std::size_t at = 0; at < out.size();) {
    const ssize_t n = ::write(fd_, out.data() + at, out.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // a closed stderr loses the log, not the service
    at += static_cast<std::size_t>(n);
  }
}

void service_log::write(log_level l, std::string_view event, std::string_view text, std::string_view interface) const {
  if (!enabled(l)) return;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string line = xdpkit::escape_controls(text.substr(at, nl - at));
    at = nl + 1;
    if (line.empty()) continue;
    if (target_ == log_target::journald && !journal_refused_ && !journal_problem_.empty()) {
      journal_refused_ = true;
      to_stderr("xdpkit up: [log] target = \"journald\", but " + journal_problem_ + "; logging to stderr");
    }
    if (target_ == log_target::journald && !journal_refused_) {
      const std::string ev(event), ifn(interface);
      const int r = ifn.empty()
                        ? sd_journal_send("MESSAGE=%s", line.c_str(), "PRIORITY=%d", static_cast<int>(l),
                                          "SYSLOG_IDENTIFIER=xdpkit", "XDPKIT_EVENT=%s", ev.c_str(), nullptr)
                        : sd_journal_send("MESSAGE=%s", line.c_str(), "PRIORITY=%d", static_cast<int>(l),
                                          "SYSLOG_IDENTIFIER=xdpkit", "XDPKIT_EVENT=%s", ev.c_str(),
                                          "XDPKIT_INTERFACE=%s", ifn.c_str(), nullptr);
      if (r >= 0) continue;
      journal_refused_ = true;
      to_stderr(std::string("xdpkit up: journald refused the log (") + std::strerror(-r) + " on " + kJournalSocket +
                "); logging to stderr from here");
    }
    const bool named = !interface.empty() && line.rfind(interface, 0) == 0;
    // A line of its own (an interface's, xdpkit's, a continuation) keeps its start.
    const bool own = named || line.rfind("xdpkit ", 0) == 0 || line[0] == ' ';
    to_stderr(own ? line : "xdpkit up: " + line);
  }
}

}  // namespace xdpkit::service
