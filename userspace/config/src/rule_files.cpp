// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/config/rule_files.hpp"

#include "xdpkit/base/regular_file.hpp"

namespace xdpkit::config {

rule_files load_rule_files(const std::vector<std::filesystem::path>& files) {
  rule_files out;
  for (const auto& f : files) {
    const auto set = firewall::parse_rules(read_regular_file(f, "rules file"), f.string());
    out.per_file.push_back(set.rules.size());
    firewall::merge_rules(out.rules, set);
  }
  if (!files.empty()) (void)firewall::compile(out.rules);
  return out;
}

}  // namespace xdpkit::config
