// SPDX-License-Identifier: Apache-2.0
// The xdpkit CLI is one CLI11 app; each area registers its subcommands here.
// A command's callback stores the process exit status in `exit_code`
// (0 ok, 1 the thing checked is wrong / failed, 2 usage or setup error) so
// main() can return it after CLI11 has finished parsing.
#pragma once

#include <CLI/CLI.hpp>

namespace xdpkit::cli {

void add_run_command(CLI::App& app, int& exit_code);       // run_cmd.cpp
void add_forward_command(CLI::App& app, int& exit_code);   // forward_cmd.cpp
void add_demo_command(CLI::App& app, int& exit_code);      // demo_cmd.cpp
void add_bench_command(CLI::App& app, int& exit_code);     // bench_cmd.cpp
void add_config_command(CLI::App& app, int& exit_code);    // config_cmd.cpp: config check
void add_up_command(CLI::App& app, int& exit_code);        // up_cmd.cpp: up, ctl
void add_clean_command(CLI::App& app, int& exit_code);     // clean_cmd.cpp
void add_diag_command(CLI::App& app, int& exit_code);      // diag_cmd.cpp
void add_rules_command(CLI::App& app, int& exit_code);     // rules_cmd.cpp: rules check
void add_topology_commands(CLI::App& app, int& exit_code); // topology_cmd.cpp: topology, validate
void add_ethtool_commands(CLI::App& app, int& exit_code);  // ethtool_cmd.cpp: probe, tune, revert

}  // namespace xdpkit::cli
