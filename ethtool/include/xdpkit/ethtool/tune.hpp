// SPDX-License-Identifier: Apache-2.0
// `xdpkit tune` and `xdpkit revert`: change the NIC for the data plane, one
// journaled step at a time, and put it back.
//
// Steps run in this order, each one planned from the state the previous ones
// left (new channels bring new IRQs and queues): features (rx-ntuple-filter
// when rules are asked for), channels, rings, RSS table, RSS hash key, hash
// fields, ntuple deletions (before inserts, so a freed location can be
// reused), ntuple inserts, IRQ affinity, RPS, XPS, busy-poll knobs. Before a step changes
// anything its old value is appended to the journal and fsynced. A step that
// fails rolls back every step of this run, newest first, and throws
// tune_error naming the step. Steps whose value is already what is asked for
// are reported as unchanged and not journaled.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"
#include "xdpkit/ethtool/ntuple.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/rings.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/ethtool/rule.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::ethtool {

struct tune_context {
  const device& dev;
  topology::host_root root{"/"};  // for IRQ affinity, RPS/XPS and NAPI knobs
};

struct tune_request {
  std::optional<channels_request> channels;
  std::optional<rings_request> rings;
  std::optional<rss_request> rss;
  // The whole hash key (parse_rss_key); the table is left as it is.
  std::optional<std::vector<std::uint8_t>> rss_key;
  std::vector<hash_request> hash;
  std::vector<flow_rule> ntuple;
  // Locations of rules to delete; each deleted rule is journaled whole, so
  // revert inserts it again at the same location.
  std::vector<std::uint32_t> ntuple_delete;
  // "local" (the CPUs local to the NIC's node) or a CPU list; queue IRQs get
  // one CPU each, round robin over the set, in queue order.
  std::optional<std::string> irq_affinity;
  std::optional<topology::cpu_set> rps;  // every rx queue gets this set
  std::optional<topology::cpu_set> xps;  // tx queue i gets the i-th CPU (round robin)
  // napi_defer_hard_irqs and gro_flush_timeout for preferred busy polling.
  bool busy_poll = false;
  std::uint32_t busy_poll_defer_hard_irqs = 2;
  std::uint64_t busy_poll_gro_flush_timeout_ns = 200000;

  bool empty() const {
    return !channels && !rings && !rss && !rss_key && hash.empty() && ntuple.empty() && ntuple_delete.empty() &&
           !irq_affinity && !rps && !xps && !busy_poll;
  }
};

// One line per step, for people; `changed` false for steps left alone.
struct step_report {
  std::string step;  // "channels", "rss", "ntuple", "rps rx-3", ...
  std::string what;  // "rx 1 -> 2, tx 1 -> 2"
  bool changed = true;
};

class tune_error : public std::runtime_error {
 public:
  // changes: what the tune had changed when it failed; rolled_back: how many
  // of those the rollback undid (fewer when it failed too: rollback_failures)
  tune_error(std::string step, std::string reason, std::size_t changes, std::size_t rolled_back,
             std::vector<std::string> rollback_failures);
  const std::string& step() const noexcept { return step_; }
  const std::string& reason() const noexcept { return reason_; }
  std::size_t changes() const noexcept { return changes_; }
  std::size_t rolled_back() const noexcept { return rolled_back_; }
  const std::vector<std::string>& rollback_failures() const noexcept { return rollback_failures_; }

 private:
  std::string step_, reason_;
  std::size_t changes_;
  std::size_t rolled_back_;
  std::vector<std::string> rollback_failures_;
};

// What tune() would do, from the current state; changes nothing, writes no
// journal. Throws tune_error when a step cannot even be planned (the driver
// cannot report the value, a rule or CPU list is invalid).
std::vector<step_report> plan_tune(const tune_context& ctx, const tune_request& req);

// Applies `req`, extending `log`. Throws tune_error after rolling back this
// run's steps (the journal is then as it was before the call).
std::vector<step_report> tune(const tune_context& ctx, const tune_request& req, journal& log);

// Replays `log` backwards down to entry `keep` (0: everything), dropping each
// entry once undone; removes the file when it ends up empty. Throws
// tune_error naming the step that could not be undone; the journal then
// still holds it and everything before it, so revert can be retried.
std::vector<step_report> revert(const tune_context& ctx, journal& log, std::size_t keep = 0);

}  // namespace xdpkit::ethtool
