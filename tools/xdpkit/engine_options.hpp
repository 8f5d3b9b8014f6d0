// SPDX-License-Identifier: Apache-2.0
// The data-plane options `run` and `demo` share, and how they become an
// engine_config. One place, so both commands spell and document them alike.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "xdpkit/firewall/rules.hpp"

#include "xdpkit/userspace/capture.hpp"
#include "xdpkit/userspace/engine.hpp"
#include "xdpkit/userspace/engine_words.hpp"

namespace xdpkit::cli {

// The words are the engine's (engine_words, shared with the service config);
// the rules and ports are how the command line gives them.
struct engine_options : engine_words {
  std::string rules_file;  // --rules: the firewall instead of the steer program
  std::vector<std::string> inline_rules;  // --rule, after the file's rules
  std::vector<std::string> ports;         // --port SLOT=IFNAME for redirect-dev
  std::string capture_file;               // --capture FILE: a pcap of what the handler sees
  std::uint64_t capture_count = 0;        // --capture-count: at most this many (0: no limit)
  std::uint32_t snaplen = 65535;          // --snaplen: bytes kept of each packet
};

void add_engine_options(CLI::App& cmd, engine_options& o);
// --capture FILE, --capture-count, --snaplen: `run`'s (inside add_engine_options) and `forward`'s.
void add_capture_options(CLI::App& cmd, std::string& file, std::uint64_t& count, std::uint32_t& snaplen,
                         const std::string& file_help);
// A number of seconds in [lo, hi]. CLI::Range lets "nan" through (every
// comparison with NaN is false), and `--duration nan` ran 0 s with exit 0.
CLI::Validator finite_seconds(double lo, double hi);
// --rules FILE and the --rule lines after it, as one rule set (errors name
// FILE:LINE or "--rule N"). Throws rule_error, std::invalid_argument, os_error.
firewall::rule_set load_rules(const std::string& file, const std::vector<std::string>& inline_rules);
// --port SLOT=IFNAME words. Throws std::invalid_argument.
std::map<std::uint32_t, std::string> parse_ports(const std::vector<std::string>& words);
// Throws std::invalid_argument for values CLI11's checks can't express.
// With --handler capture or --capture FILE, the pcap file is created here
// and handed back through `capture`; a command that passes none refuses them.
engine_config to_engine_config(const engine_options& o, const std::string& ifname,
                               std::vector<std::uint32_t> queues, std::vector<int> cpus,
                               std::shared_ptr<pcap_writer>* capture = nullptr);

}  // namespace xdpkit::cli
