// SPDX-License-Identifier: Apache-2.0
// Issue 12: Ctrl-C and SIGTERM did nothing in topology, validate and rules
// check (a handler set a flag only run and demo read). Every verb must stop
// on either within a second, wherever it is. To catch a verb mid-way without
// racing its start, its stdout and stderr are a pipe that is already full:
// its first write blocks, and the signal must end it there.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <ostream>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_child.hpp"

namespace xdpkit::testing {
namespace {

struct verb_case {
  std::vector<std::string> args;
  int sig;
};

// The child's exit status, or nullopt if it is still running after `limit`.
std::optional<int> wait_status(pid_t pid, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    if (std::chrono::steady_clock::now() > end) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void PrintTo(const verb_case& c, std::ostream* os) {
  for (const auto& a : c.args) *os << a << ' ';
  *os << strsignal(c.sig);
}

class StopSignal : public ::testing::TestWithParam<verb_case> {};

TEST_P(StopSignal, EndsAVerbBlockedInAWrite) {
  const auto& c = GetParam();
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
  ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
  const std::string fill(4096, 'x');
  while (::write(fds[1], fill.data(), fill.size()) > 0) {
  }
  ::fcntl(fds[1], F_SETFL, 0);  // the child's writes must block, not fail

  std::vector<std::string> args = c.args;
  args.insert(args.begin(), cli_path());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);

  // Blocked in write(2) on the full pipe ('S' with the pipe's wait channel),
  // or at worst still working: either way the signal must end it.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(::kill(pid, c.sig), 0);
  const auto t0 = std::chrono::steady_clock::now();
  const auto status = wait_status(pid, std::chrono::seconds(1));
  if (!status) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  ::close(fds[0]);
  ASSERT_TRUE(status) << "xdpkit " << c.args[0] << " was still running 1 s after " << strsignal(c.sig);
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == c.sig)
      << "xdpkit " << c.args[0] << " went on after " << strsignal(c.sig) << " (exit status "
      << (WIFEXITED(*status) ? WEXITSTATUS(*status) : -1) << ")";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

std::string rules_file() {
  const auto p = std::filesystem::path(::testing::TempDir()) / "xk-signal.rules";
  std::ofstream(p) << "drop proto udp dst-port 53\ndefault pass\n";
  return p.string();
}

INSTANTIATE_TEST_SUITE_P(
    EveryVerb, StopSignal,
    ::testing::Values(verb_case{{"topology"}, SIGINT}, verb_case{{"topology", "--json"}, SIGTERM},
                      verb_case{{"validate"}, SIGINT}, verb_case{{"validate", "--json"}, SIGTERM},
                      verb_case{{"rules", "check", rules_file()}, SIGINT},
                      verb_case{{"rules", "check", rules_file(), "--json"}, SIGTERM},
                      verb_case{{"probe", "xkenosuch0"}, SIGTERM}, verb_case{{"frob"}, SIGINT}),
    [](const ::testing::TestParamInfo<verb_case>& i) {
      std::string n;
      for (const auto& a : i.param.args)
        if (a.find('/') == std::string::npos) n += std::isalnum(static_cast<unsigned char>(a[0])) ? a : a.substr(2);
      return n + "_" + (i.param.sig == SIGINT ? "SIGINT" : "SIGTERM");
    });

}  // namespace
}  // namespace xdpkit::testing
