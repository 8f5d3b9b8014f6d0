// SPDX-License-Identifier: Apache-2.0
// The service config: one TOML file (toml++) that says which interfaces get
// which data plane, how the NIC is tuned for it, and where metrics and logs
// go. `xdpkit config check FILE` reads it with parse_config(); `xdpkit up`
// runs it (userspace/service). Plain values only: nothing here touches the host.
//
// The keys are a contract (issue 14; tests and users write them):
//
//   [[interface]]             one per interface, at least one
//   name = "eth1"             required; an interface name the kernel could have
//   program = "firewall"      steer (every packet to the workers) | firewall
//   rules = ["a.rules"]       firewall rule files, relative to the config's directory
//   queues = "all"            "all" | a list such as "0-3" | an array [0, 1]
//   cpus = "auto"             "auto" (the planner) | a CPU list such as "2-5"
//   handler = "rxdrop"        rxdrop | l2fwd
//   xdp_mode = "auto"         auto | native | generic
//   no_socket = "pass"        pass | drop
//   ports = { 3 = "eth2" }    redirect-dev slots (0-63) of the firewall
//   [interface.xsk]           bind (copy|zero-copy|auto), frames, batch, wait (busy|poll),
//                             busy_poll_usec, busy_poll_budget, fifo_priority (1-99: SCHED_FIFO workers),
//                             multi_buffer (false: xdp.frags and XDP_USE_SG, for MTUs over one page)
//   [interface.umem]          pages (huge|huge-or-normal|normal), reserve (true: grow the pool),
//                             shareable (false: a memfd mapped shared, for a hot restart)
//   [interface.tune]          channels, rings, rss, rss_key, hash = [...], ntuple = [...],
//                             irq_affinity, rps, xps, busy_poll: what `xdpkit tune` takes
//   [metrics]                 prometheus_listen = "127.0.0.1:PORT", dogstatsd = "udp://HOST:PORT",
//                             max_rule_series
//   [process]                 mlockall (false), control_cpu ("auto": the planner's
//                             control CPU for up's own threads | "none" | a CPU number),
//                             cpuset (false: each interface's workers in a cpuset cgroup of
//                             their CPUs and the NIC's memory node)
//   [log]                     level (error|warn|info|debug), target (auto|stderr|journald):
//                             auto is journald when stderr is systemd's journal stream
//   [sysctl]                  net.core.busy_read = 50: sysctls set for the service's lifetime
//                             (journaled, put back at the stop); dotted keys as sysctl(8) spells
//                             them, a quoted component for one that holds a dot
//
// Unknown keys are errors (a typo must not be a silent default), and every
// error is FILE:LINE:COLUMN: with the key's dotted path.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace xdpkit::config {

struct position {
  std::string file;
  std::uint32_t line = 0, column = 0;
};

class config_error : public std::runtime_error {
 public:
  // "FILE:LINE:COLUMN: KEY: WHAT" (KEY omitted when empty).
  config_error(position where, std::string key, const std::string& what);
  const position& where() const noexcept { return where_; }
  const std::string& key() const noexcept { return key_; }

 private:
  position where_;
  std::string key_;
};

struct xsk_settings {
  std::string bind = "copy";
  std::uint32_t frames = 4096;
  std::uint32_t batch = 64;
  std::string wait = "busy";
  int busy_poll_usec = 0;
  int busy_poll_budget = 64;
  int fifo_priority = 0;  // 0: SCHED_OTHER
  bool multi_buffer = false;
  bool operator==(const xsk_settings&) const = default;
};

struct umem_settings {
  std::string pages = "huge";
  // `up` grows the NIC node's 2 MiB pool by what its free pages lack
  // (journaled, given back at the stop); false: pools are the operator's.
  bool reserve = true;
  // A memfd mapped shared instead of anonymous memory, so a process handed
  // its fd maps the same frames (the hot restart's handover).
  bool shareable = false;
  bool operator==(const umem_settings&) const = default;
};

// What `xdpkit tune` takes, as its option values (checked by its parsers).
struct tune_settings {
  std::optional<std::string> channels, rings, rss, rss_key, irq_affinity, rps, xps;
  std::vector<std::string> hash, ntuple;
  bool busy_poll = false;
  bool operator==(const tune_settings&) const = default;
};

struct interface_config {
  std::string name;
  std::string program = "steer";
  std::vector<std::filesystem::path> rules;  // resolved against the config's directory
  std::optional<std::vector<std::uint32_t>> queues;  // nullopt: "all"
  std::optional<std::vector<unsigned>> cpus;         // nullopt: "auto"
  std::string handler = "rxdrop";
  std::string xdp_mode = "auto";
  std::string no_socket = "pass";
  std::map<std::uint32_t, std::string> ports;
  xsk_settings xsk;
  umem_settings umem;
  std::optional<tune_settings> tune;
  position where;  // of the [[interface]] table
};

struct metrics_settings {
  std::optional<std::string> prometheus_listen;  // "HOST:PORT"
  std::optional<std::string> dogstatsd;          // "udp://HOST:PORT"
  std::uint32_t max_rule_series = 64;
  bool operator==(const metrics_settings&) const = default;
};

// The `up` process itself (not its workers).
struct process_settings {
  static constexpr int kAuto = -1, kNone = -2;
  bool mlockall = false;   // mlockall(MCL_CURRENT | MCL_FUTURE) before the workers run
  int control_cpu = kAuto;  // kAuto: the planner's control CPU; kNone: unpinned; else that CPU
  bool cpuset = false;      // each interface's workers in a cpuset cgroup: their CPUs, the NIC's node
  bool operator==(const process_settings&) const = default;
};

struct log_settings {
  std::string level = "info";
  std::string target = "auto";
  bool operator==(const log_settings&) const = default;
};

struct service_config {
  std::string source;  // the file it came from
  std::vector<interface_config> interfaces;
  metrics_settings metrics;
  process_settings process;
  log_settings log;
  // sysctl(8) name ("net.core.busy_read", or with slashes when a component
  // holds a dot: "net/ipv4/conf/eth0.100/rp_filter") -> value as written.
  std::map<std::string, std::string> sysctl;
};

// Parses `text` (named `source` in errors; rule paths resolve against
// `base_dir`). Throws config_error at the first problem.
service_config parse_config(std::string_view text, const std::string& source,
                            const std::filesystem::path& base_dir = {});

// Reads FILE (a regular file, capped: read_regular_file) and parses it.
service_config load_config(const std::filesystem::path& file);

}  // namespace xdpkit::config
