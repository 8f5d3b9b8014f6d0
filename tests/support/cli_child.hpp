// SPDX-License-Identifier: Apache-2.0
// The xdpkit CLI as a child process, for tests that run it as a user does:
// stdout and stderr on one pipe, read by line with a timeout, killed and
// reaped at scope end whatever the test did.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace xdpkit::testing {

// The binary under test: the XDPKIT_CLI definition the test target sets.
inline const char* cli_path() {
#ifdef XDPKIT_CLI
  return XDPKIT_CLI;
#else
#error "a target using cli_child.hpp defines XDPKIT_CLI=\"$<TARGET_FILE:xdpkit>\""
#endif
}

// The CLI as a child process with its stdout+stderr on a pipe, read by line.
class cli_child {
 public:
  // `args` go to the xdpkit CLI; `prefix` (e.g. ip netns exec NS) runs it.
  // With `of_cli` false, `args` are a whole command line of another program
  // (a Prometheus server beside the service under test).
  explicit cli_child(std::vector<std::string> args, std::vector<std::string> prefix = {}, bool of_cli = true) {
    if (of_cli) args.insert(args.begin(), cli_path());
    args.insert(args.begin(), prefix.begin(), prefix.end());
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, argv[0], &fa, nullptr, argv.data(), environ)) throw std::runtime_error("spawn");
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    fd_ = fds[0];
  }
  ~cli_child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(fd_);
  }
  pid_t pid() const { return pid_; }
  // Next line, or nullopt at EOF or after `timeout`.
  std::optional<std::string> line(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string l = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        output_ += l + "\n";
        return l;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char b[4096];
      ssize_t n = read(fd_, b, sizeof(b));
      if (n <= 0) return std::nullopt;
      buf_.append(b, static_cast<std::size_t>(n));
    }
  }
  // Reads until a line contains `needle`.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (auto l = line(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now())))
      if (l->find(needle) != std::string::npos) return true;
    return false;
  }
  int wait_exit() {
    while (line(std::chrono::seconds(30))) {}
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buf_, output_;
};

}  // namespace xdpkit::testing
