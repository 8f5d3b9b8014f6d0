// SPDX-License-Identifier: Apache-2.0
// Runs a helper program (iproute2's `ip`) with an argument vector, no shell.
#pragma once

#include <string>
#include <vector>

namespace xdpkit::lab {

struct command_result {
  int status = 0;  // exit status, or 128 + signal
  std::string output;  // stdout and stderr together
};

// Runs argv[0] (looked up in PATH) and waits. Throws os_error when it can't start.
command_result run_command(const std::vector<std::string>& argv);

// Runs and throws std::runtime_error with the command line and its output when
// the exit status is not 0.
std::string run_checked(const std::vector<std::string>& argv);

}  // namespace xdpkit::lab
