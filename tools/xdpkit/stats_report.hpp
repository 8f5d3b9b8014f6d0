// SPDX-License-Identifier: Apache-2.0
// The per-second line and the final summary that `run` and `demo` print, in
// human and JSON (one object per line) form. JSON field names are stable.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "xdpkit/userspace/engine.hpp"

namespace xdpkit::cli {

struct interval {
  double t = 0;        // seconds since start
  double seconds = 0;  // length of this interval
  engine_stats before, after;
  std::uint64_t sent_before = 0, sent_after = 0;  // demo only: generator count
  bool has_generator = false;
};

nlohmann::json interval_json(const interval& i);
std::string interval_line(const interval& i);

nlohmann::json summary_json(const engine& e, const engine_stats& s, double seconds);
// The firewall's counters: rx, verdicts, reasons and the rules' actions by name (run's and forward's summaries).
nlohmann::json firewall_stats_json(const xdpkit_fw_stats& f);
std::string summary_text(const engine& e, const engine_stats& s, double seconds);

nlohmann::json info_json(const engine& e);
std::string info_line(const engine& e);

}  // namespace xdpkit::cli
