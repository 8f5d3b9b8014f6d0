// SPDX-License-Identifier: Apache-2.0
// service: what `xdpkit up` runs. Per configured interface, in this order:
// the validator's checks (errors stop the start), the NIC tuned through a
// host_changes, the queues and CPUs resolved (after the tune, since new
// channels bring new queues), and the engine (program, UMEMs, sockets,
// workers). Teardown is the reverse: every engine stops and detaches, then
// every tune is reverted, so the host reads as it did before the start.
//
// A reload swaps only what can change with no loss: each firewall's rule set
// (engine::replace_rules, atomic per interface). Anything else that differs
// (queues, program, ring sizes, tune, ...) needs a restart and is refused
// by name, the running data plane untouched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/config/config.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/topology/validator.hpp"
#include "xdpkit/userspace/engine.hpp"

namespace xdpkit::service {

struct service_options {
  std::filesystem::path run_dir = "/run/xdpkit";  // journals (RUN_DIR/up), later the control socket
  topology::host_root root{"/"};                  // /sys and /proc for the validator and the planner
};

// A start the validator refused: every check at error level, with its remedy.
class validation_failed : public std::runtime_error {
 public:
  validation_failed(std::string ifname, std::vector<topology::check_result> errors);
  const std::string& ifname() const noexcept { return ifname_; }
  const std::vector<topology::check_result>& errors() const noexcept { return errors_; }

 private:
  std::string ifname_;
  std::vector<topology::check_result> errors_;
};

// One interface as the service runs it.
struct interface_status {
  const config::interface_config& config;
  const engine& data_plane;
  std::vector<std::uint32_t> queues;
  std::vector<int> cpus;
  std::vector<std::string> plan;                     // the planner's sentences (cpus = "auto")
  std::vector<topology::check_result> warnings;      // the validator's warnings at start
  std::vector<ethtool::step_report> replayed, tuned;  // a dead service's journal; this start's tune
  std::size_t journal_entries = 0;
  std::vector<std::size_t> rules_per_file;
  std::filesystem::path cpuset;  // the workers' cgroup ([process] cpuset), empty without
};

// The service's counters at one moment, copied out under its lock so a
// metrics scrape on another thread never meets a reload or a shutdown.
struct interface_snapshot {
  std::string name, program;
  engine_info info;
  engine_stats stats;
  std::vector<std::uint64_t> rule_hits;  // by rule position in the running set
  std::size_t journal_entries = 0;
};
struct service_snapshot {
  std::vector<interface_snapshot> interfaces;
  std::uint64_t reloads_ok = 0, reloads_failed = 0;
};

struct reload_result {
  bool ok = false;
  std::string error;                    // why nothing was swapped
  std::vector<std::string> swapped;     // interfaces whose rule sets were swapped
  std::vector<std::size_t> rule_counts;  // rules now running, per swapped interface
};

// The watchdog's question: has every worker's heartbeat moved since the last
// check? systemd's WATCHDOG=1 is sent only when it has, so a hung worker
// (and not just a hung main thread) gets the service restarted.
class heartbeat_watch {
 public:
  // The workers ("IF queue Q") whose heartbeat stood still since the previous
  // call; empty when all moved. A worker seen for the first time counts as moving.
  std::vector<std::string> stalled(const std::vector<interface_status>& interfaces);

 private:
  std::map<std::pair<std::string, std::uint32_t>, std::uint64_t> last_;
};

class service {
 public:
  // Throws validation_failed, config::config_error-free errors of the steps
  // (os_error, ethtool::tune_error, firewall::rule_error, std::invalid_argument),
  // each naming its interface; what was already set up is undone first.
  static service start(const config::service_config& config, const service_options& options = {});

  service(service&&) noexcept;
  service& operator=(service&&) noexcept;
  ~service();  // shut_down(), errors swallowed (the journals keep what is left)

  // For the thread that owns the service (start, reload, stop).
  std::vector<interface_status> interfaces() const;
  // For any thread (a metrics endpoint).
  service_snapshot snapshot() const;
  const config::service_config& config() const noexcept;

  // Reads every rule file `next` names and swaps the rule sets, or changes
  // nothing and says why. Never throws for a bad config or rule file.
  reload_result reload(const config::service_config& next);
  std::uint64_t reloads_ok() const noexcept;
  std::uint64_t reloads_failed() const noexcept;

  // [sysctl] and [process] cpuset: what a dead service's journal held and
  // was put back, and what this start set ("already" for a value a sysctl had).
  const std::vector<ethtool::step_report>& settings_replayed() const;
  const std::vector<ethtool::step_report>& settings_applied() const;

  // Why an interface was lost (deleted, moved), naming it; nullopt while all are there.
  std::optional<std::string> interface_lost() const;

  // The CPU for up's own threads (main loop, metrics server, control
  // socket), chosen at start from [process] control_cpu: "auto" is the
  // planner's control CPU when no worker runs there, else the first
  // housekeeping CPU no worker uses. nullopt: not pinned.
  std::optional<unsigned> control_cpu() const;
  // Pins the calling thread there (threads it makes later inherit it) and
  // says which CPU and why. Throws os_error when the kernel refuses.
  std::string pin_control_thread() const;

  // Tests: hold a worker as a hung handler would (engine::stall_worker_for_test).
  void stall_worker_for_test(const std::string& ifname, std::uint32_t queue, bool stall);

  // Stops the workers; sockets and programs stay so final stats can be read.
  void stop() noexcept;

  struct shutdown_report {
    std::vector<std::pair<std::string, std::vector<ethtool::step_report>>> reverted;  // per interface, then "host" (sysctls, cpusets)
    std::vector<std::string> failures;  // what could not be put back, with the journal that keeps it
  };
  // Detaches every data plane, then reverts every tune. Once; later calls return nothing.
  shutdown_report shut_down();

 private:
  struct state;
  explicit service(std::unique_ptr<state> s) noexcept;
  static void choose_control_cpu(state& s);
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::service
