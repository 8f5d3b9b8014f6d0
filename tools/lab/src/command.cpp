// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/command.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/unique_fd.hpp"

extern char** environ;

namespace xdpkit::lab {

namespace {
std::string join(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}
}  // namespace

command_result run_command(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC)) throw_os_error(errno, "pipe", join(argv));
  unique_fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err) throw_os_error(err, "start", join(argv), "is iproute2 installed and in PATH?");
  write_end.reset();

  command_result r;
  char buf[4096];
  for (;;) {
    ssize_t n = read(read_end.get(), buf, sizeof(buf));
    if (n > 0) r.output.append(buf, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR) break;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::string run_checked(const std::vector<std::string>& argv) {
  command_result r = run_command(argv);
  if (r.status != 0)
    throw std::runtime_error("`" + join(argv) + "` failed (status " + std::to_string(r.status) + "): " + r.output);
  return r.output;
}

}  // namespace xdpkit::lab
