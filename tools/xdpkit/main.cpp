// SPDX-License-Identifier: Apache-2.0
// xdpkit: one CLI for the data plane (run, forward, demo), the host (topology, validate)
// and the NIC (probe, tune, revert). Thin: parse, call a library, print.
//
// Exit codes, the same for every verb (README "Exit codes"):
//   0  done; for validate, every check passed
//   1  the thing asked for failed or was found wrong: a check failed, the
//      data plane could not start or stopped with an error, a tune rolled back
//   2  usage or setup: an option that cannot be right, an unknown command, a
//      file or interface that is not there
//   3  an internal error: an exception xdpkit does not expect (a bug; report it)
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "commands.hpp"
#include "xdpkit/base/quote.hpp"

namespace {

// CLI11 says only "A subcommand is required" for `xdpkit frob`; name it and
// list what exists.
bool unknown_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  const std::string word = argv[1];
  std::string names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == word) return false;
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  std::fprintf(stderr, "xdpkit: unknown command %s; the commands are %s (`xdpkit --help` says what each does)\n",
               xdpkit::quote(word).c_str(), names.c_str());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "xdpkit — AF_XDP/eBPF packet processing: attach, poll, probe, tune, and give the host back as found.\n"
      "Start with `xdpkit demo` (needs root) or `xdpkit <command> --help`.\n"
      "Exit codes: 0 done (validate: all checks passed), 1 failed or found wrong, 2 usage or setup error,\n"
      "3 internal error (a bug)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "xdpkit 0.1.0");
  int exit_code = 0;
  xdpkit::cli::add_run_command(app, exit_code);
  xdpkit::cli::add_forward_command(app, exit_code);
  xdpkit::cli::add_demo_command(app, exit_code);
  xdpkit::cli::add_bench_command(app, exit_code);
  xdpkit::cli::add_rules_command(app, exit_code);
  xdpkit::cli::add_config_command(app, exit_code);
  xdpkit::cli::add_up_command(app, exit_code);
  xdpkit::cli::add_clean_command(app, exit_code);
  xdpkit::cli::add_diag_command(app, exit_code);
  xdpkit::cli::add_topology_commands(app, exit_code);
  xdpkit::cli::add_ethtool_commands(app, exit_code);
  if (unknown_command(app, argc, argv)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 repeats the offending argument: escaped, as every outside text.
    std::fprintf(stderr, "xdpkit: %s\nRun with --help for more information.\n",
                 xdpkit::escape_controls(e.what(), 512).c_str());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 2;
  } catch (const std::length_error& e) {  // a rule set past a table's size
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 2;
  } catch (const std::system_error& e) {  // os_error
    std::fprintf(stderr, "xdpkit: error: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 1;
  } catch (const std::runtime_error& e) {  // parse_error, rule_error, tune_error, a lab command
    std::fprintf(stderr, "xdpkit: error: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xdpkit: internal error: %s (this is a bug in xdpkit; please report it with the command line)\n",
                 xdpkit::escape_controls(e.what()).c_str());
    return 3;
  }
  return exit_code;
}
