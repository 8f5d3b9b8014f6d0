// SPDX-License-Identifier: Apache-2.0
// The steps behind tune/revert: how each kind of change is planned (old and
// new value as JSON, the form the journal keeps), written, and described.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "xdpkit/ethtool/tune.hpp"

namespace xdpkit::ethtool::detail {

struct step {
  std::string kind;   // journal "step": channels, rings, rss, rss_key, hash, feature, ntuple, ntuple-delete, irq, rps, xps, napi_defer_hard_irqs, gro_flush_timeout
  std::string label;  // for people: "rps rx-3", "hash udp4"
  nlohmann::json old, next;
  // Reads the value again (to tell whether a failed write changed anything).
  std::function<nlohmann::json(const tune_context&)> read;
  // Why a step that changes nothing does so ("no per-queue IRQs").
  std::string note = {};
};

struct phase {
  std::string name;
  std::function<std::vector<step>(const tune_context&)> plan;
};

// In execution order; phases a request does not ask for are left out.
std::vector<phase> phases(const tune_request& req);

// Sets a journaled value (tune writes `new`, revert and rollback write `old`).
// Not for ntuple and ntuple-delete (insert/delete, see tune.cpp). Throws os_error with
// the driver's refusal, or topology::os_error for sysfs/procfs writes.
void write_step(const tune_context& ctx, const std::string& kind, const nlohmann::json& value);

// When the RSS table names a queue at or above the rx queues of `counts` (a
// journaled channels value), resets it to the default spread and returns true;
// false when there is no table or it fits. Throws os_error when refused.
bool release_rss_for_channels(const tune_context& ctx, const nlohmann::json& counts);

// "rx 1 -> 2, tx 1 -> 2".
std::string describe(const nlohmann::json& old, const nlohmann::json& next);

}  // namespace xdpkit::ethtool::detail
