// SPDX-License-Identifier: Apache-2.0
// xdpkit: one CLI for the data plane (run, demo), the host (topology, validate)
// and the NIC (probe, tune, revert). Thin: parse, call a library, print.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <stdexcept>

#include "commands.hpp"
#include "signals.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "xdpkit — AF_XDP/eBPF packet processing: attach, poll, probe, tune, and give the host back as found.\n"
      "Start with `xdpkit demo` (needs root) or `xdpkit <command> --help`."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "xdpkit 0.1.0");
  int exit_code = 0;
  xdpkit::cli::add_run_command(app, exit_code);
  xdpkit::cli::add_demo_command(app, exit_code);
  xdpkit::cli::add_bench_command(app, exit_code);
  xdpkit::cli::add_rules_command(app, exit_code);
  xdpkit::cli::add_topology_commands(app, exit_code);
  xdpkit::cli::add_ethtool_commands(app, exit_code);
  xdpkit::cli::install_stop_signals();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "xdpkit: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xdpkit: error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
