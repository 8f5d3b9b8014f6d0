// SPDX-License-Identifier: Apache-2.0
// [log] applied: the level filter, the stderr lines, journald chosen when
// stderr is systemd's journal stream ($JOURNAL_STREAM), and a journald that
// refuses (none runs) falling back to stderr with one note.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "xdpkit/service/service_log.hpp"

namespace xdpkit::service {
namespace {

// A pipe standing in for stderr; read() returns what was written so far.
class captured_stderr {
 public:
  captured_stderr() {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
    rd_ = fds[0];
    wr_ = fds[1];
  }
  ~captured_stderr() {
    close(rd_);
    close(wr_);
  }
  int fd() const { return wr_; }
  std::string read() const {
    std::string out;
    char b[4096];
    for (ssize_t n; (n = ::read(rd_, b, sizeof(b))) > 0;) out.append(b, static_cast<std::size_t>(n));
    return out;
  }
  std::string stream_id() const {
    struct stat st;
    fstat(wr_, &st);
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }

 private:
  int rd_ = -1, wr_ = -1;
};

config::log_settings settings(const char* level, const char* target) {
  config::log_settings s;
  s.level = level;
  s.target = target;
  return s;
}

TEST(ServiceLog, TheLevelFiltersAndEachLineIsOneRecord) {
  captured_stderr err;
  const service_log log(settings("warn", "stderr"), err.fd());
  log.write(log_level::info, "interval", "eth1 rx 5 pps\n", "eth1");
  EXPECT_EQ(err.read(), "") << "info is below warn";
  log.write(log_level::warn, "reload", "reload failed: x.rules:1:5: unknown word\n");
  log.write(log_level::error, "error", "eth1: hugepages_free: only 0 free\n  fix: echo 8 > nr_hugepages", "eth1");
  EXPECT_EQ(err.read(),
            "xdpkit up: reload failed: x.rules:1:5: unknown word\n"
            "eth1: hugepages_free: only 0 free\n"
            "  fix: echo 8 > nr_hugepages\n");
}

TEST(ServiceLog, OutsideTextCannotDriveTheTerminal) {
  captured_stderr err;
  const service_log log(settings("info", "stderr"), err.fd());
  log.write(log_level::info, "reload", "rule file \x1b[2Jgone");
  EXPECT_EQ(err.read(), "xdpkit up: rule file \\x1b[2Jgone\n");
}

TEST(ServiceLog, AutoIsJournaldOnlyWhenStderrIsTheJournalsStream) {
  captured_stderr err;
  const std::string id = err.stream_id();
  EXPECT_TRUE(fd_is_journal_stream(err.fd(), id.c_str()));
  EXPECT_FALSE(fd_is_journal_stream(err.fd(), (id + "1").c_str())) << "another inode";
  EXPECT_FALSE(fd_is_journal_stream(err.fd(), nullptr));
  EXPECT_FALSE(fd_is_journal_stream(err.fd(), "8:x"));
  EXPECT_FALSE(fd_is_journal_stream(err.fd(), ":"));
  setenv("JOURNAL_STREAM", id.c_str(), 1);
  EXPECT_EQ(service_log(settings("info", "auto"), err.fd()).target(), log_target::journald);
  setenv("JOURNAL_STREAM", "0:1", 1);
  EXPECT_EQ(service_log(settings("info", "auto"), err.fd()).target(), log_target::stderr_stream)
      << "a variable inherited by a process whose stderr is elsewhere";
  unsetenv("JOURNAL_STREAM");
  EXPECT_EQ(service_log(settings("info", "auto"), err.fd()).target(), log_target::stderr_stream);
}

TEST(ServiceLog, AJournaldThatIsNotThereFallsBackToStderrSayingSoOnce) {
  if (std::filesystem::exists("/run/systemd/journal/socket")) GTEST_SKIP() << "journald runs here: it takes the records";
  captured_stderr err;
  const service_log log(settings("info", "journald"), err.fd());
  log.write(log_level::info, "ready", "running");
  log.write(log_level::info, "stop", "stopped");
  const std::string out = err.read();
  EXPECT_NE(out.find("no journald listens on /run/systemd/journal/socket"), std::string::npos) << out;
  EXPECT_EQ(out.find("no journald listens"), out.rfind("no journald listens")) << "said once: " << out;
  EXPECT_NE(out.find("xdpkit up: running\n"), std::string::npos) << out;
  EXPECT_NE(out.find("xdpkit up: stopped\n"), std::string::npos) << out;
}

TEST(ServiceLog, LevelsAreSyslogPriorities) {
  EXPECT_EQ(parse_log_level("warn"), log_level::warn);
  EXPECT_EQ(static_cast<int>(log_level::warn), 4);
  EXPECT_EQ(static_cast<int>(log_level::debug), 7);
  EXPECT_FALSE(parse_log_level("warning"));
  EXPECT_THROW(service_log(settings("loud", "stderr")), std::invalid_argument);
}

}  // namespace
}  // namespace xdpkit::service
