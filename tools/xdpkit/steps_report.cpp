// SPDX-License-Identifier: Apache-2.0
#include "steps_report.hpp"

#include <fmt/format.h>

namespace xdpkit::cli {

nlohmann::json steps_json(const std::vector<ethtool::step_report>& steps) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : steps) a.push_back({{"step", s.step}, {"what", s.what}, {"changed", s.changed}});
  return a;
}

std::string steps_text(const std::vector<ethtool::step_report>& steps, const char* verb) {
  if (steps.empty()) return "nothing to do\n";
  std::string out;
  for (const auto& s : steps) out += fmt::format("{:<10} {:<28} {}\n", s.changed ? verb : "unchanged", s.step, s.what);
  return out;
}

}  // namespace xdpkit::cli
