// SPDX-License-Identifier: Apache-2.0
// A tune's or revert's steps as tune, revert and up print them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "xdpkit/ethtool/tune.hpp"

namespace xdpkit::cli {

nlohmann::json steps_json(const std::vector<ethtool::step_report>& steps);
// One line per step: "VERB  STEP  WHAT" ("unchanged" for steps left alone);
// "nothing to do" for none.
std::string steps_text(const std::vector<ethtool::step_report>& steps, const char* verb);

}  // namespace xdpkit::cli
