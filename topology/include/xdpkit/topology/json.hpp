// SPDX-License-Identifier: Apache-2.0
// JSON views of the snapshot and the validation report, as `xdpkit topology
// --json` and `xdpkit validate --json` print them. The field names are stable;
// topology/README.md documents them. A change of meaning bumps "schema".
#pragma once

#include <nlohmann/json.hpp>

#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/planner.hpp"
#include "xdpkit/topology/validator.hpp"

namespace xdpkit::topology {

inline constexpr const char* topology_schema = "xdpkit.topology/1";
inline constexpr const char* validation_schema = "xdpkit.validate/1";

// Does not throw (beyond std::bad_alloc).
nlohmann::json to_json(const cpu_set& s);  // the list format string
nlohmann::json topology_json(const host_snapshot& host, unsigned workers = 0);
nlohmann::json plan_json(const cpu_plan& plan);
nlohmann::json validation_json(const validation_report& report);

}  // namespace xdpkit::topology
