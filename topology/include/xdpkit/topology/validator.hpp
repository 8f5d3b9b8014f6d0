// SPDX-License-Identifier: Apache-2.0
// The host validator: is this machine set up for busy-polling AF_XDP workers?
// Each check reports a severity, the evidence it read (file and value, so an
// operator can verify it by hand) and the exact remedy.
//
// Check ids (stable; the JSON and the docs use them):
//   numa_topology       distance matrix and CPU-to-node map are consistent
//   cpu_isolation       isolcpus= / nohz_full= / rcu_nocbs= name the same CPUs
//   cpus_offline        possible CPUs that are offline
//   numa_balancing      kernel.numa_balancing is off
//   irqbalance          no irqbalance daemon moves the NIC's IRQs
//   transparent_hugepages  THP not "always" (khugepaged stalls)
//   hugepages_free      enough free 2 MiB pages on the NIC's node for the UMEMs
//   cpufreq_governor    "performance" on every online CPU
//   swap                no active swap
//   sched_rt_runtime    RT throttling off for SCHED_FIFO workers
//   busy_poll           net.core.busy_poll / busy_read
//   netdev_budget       net.core.netdev_budget >= 300
//   bpf_jit             JIT on, hardening not forced on root's programs
//   nic_numa_node       (--iface) the NIC's node is known
//   nic_irq_affinity    (--iface) the NIC's IRQs fire on CPUs local to it
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

enum class severity { ok, info, warning, error };
std::string_view to_string(severity s) noexcept;  // "ok", "info", "warning", "error"

struct evidence_item {
  std::string source;  // host-style path ("/proc/sys/kernel/numa_balancing")
  std::string value;   // what it said, trimmed
};

struct check_result {
  std::string id;
  severity level = severity::ok;
  std::string summary;               // one sentence: what was found
  std::vector<evidence_item> evidence;
  std::string remedy;                // commands or settings; "" when level is ok
};

struct validate_options {
  std::optional<std::string> iface;  // adds the NIC checks and sizes hugepages_free
  // Workers the UMEMs are sized for; 0: the NIC's rx queue count (1 without --iface).
  unsigned workers = 0;
  // Per-worker UMEM: 4096 frames of 4096 bytes, userspace/'s umem_config default.
  std::uint64_t umem_bytes_per_worker = 16ull << 20;
};

struct validation_report {
  std::vector<check_result> checks;  // in the order of the list above
  severity worst() const noexcept;
  bool has_errors() const noexcept { return worst() == severity::error; }
  const check_result* find(std::string_view id) const noexcept;
};

// Runs every check against `host` (read from `root`) and the files the checks
// read themselves. Throws os_error(ENODEV) / std::invalid_argument for an
// options.iface that does not exist or is no valid name; other unreadable or
// malformed files become the evidence of the check that needed them, not throws.
validation_report validate_host(const host_root& root, const host_snapshot& host, const validate_options& options);

// The node whose huge-page pool the UMEMs of `nic`'s workers come from, and
// why: the NIC's own, else the node the planner's first worker lands on
// (a veth has no node), else the first node with memory, else node 0. The
// validator sizes hugepages_free for it and `xdpkit up` reserves there, so
// the two never disagree. `nic` may be null (no interface named).
struct umem_node {
  unsigned node = 0;
  std::string why;  // "eth1's node", "the first worker's node", ...
};
umem_node umem_node_for(const host_snapshot& host, const nic_info* nic);

// The 2 MiB pages `workers` UMEMs of `bytes_per_worker` each take (each
// rounded up to whole pages): what hugepages_free checks and `up` reserves.
std::uint64_t umem_hugepages_needed(std::uint64_t bytes_per_worker, unsigned workers);

}  // namespace xdpkit::topology
