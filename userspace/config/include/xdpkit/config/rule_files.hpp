// SPDX-License-Identifier: Apache-2.0
// An interface's `rules = [...]`: the files read whole (read_regular_file:
// a file that cannot be read whole is an error, never fewer rules), parsed in
// order into one rule set and compiled once, the way `up` starts with them,
// `up` reloads them and `config check` checks them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::config {

struct rule_files {
  firewall::rule_set rules;           // every file's rules, in order
  std::vector<std::size_t> per_file;  // how many came from each file
};

// A later file's `default` and `non-ip` lines override an earlier one's.
// Throws os_error (a file cannot be read), firewall::rule_error (FILE:LINE)
// or what firewall::compile() throws (a set too big for the program).
rule_files load_rule_files(const std::vector<std::filesystem::path>& files);

}  // namespace xdpkit::config
