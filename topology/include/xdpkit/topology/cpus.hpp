// SPDX-License-Identifier: Apache-2.0
// CPUs as the kernel lists them under /sys/devices/system/cpu.
#pragma once

#include <optional>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct cpu_info {
  unsigned id = 0;
  bool online = false;
  // From cpuN/topology/; -1 when the kernel does not say (offline CPUs lose
  // their topology directory on recent kernels).
  int core_id = -1;
  int package_id = -1;
  int die_id = -1;
  // From the cpuN/nodeM link (or the node's cpulist); -1 when no node claims it.
  int node = -1;
  // thread_siblings_list: this CPU and its hyper-thread siblings (same core).
  cpu_set thread_siblings;
  // package_cpus_list (core_siblings_list on older kernels).
  cpu_set package_cpus;
};

struct cpu_topology {
  cpu_set possible;
  cpu_set present;
  cpu_set online;
  cpu_set offline;   // possible CPUs not online (hot-unplugged or never brought up)
  cpu_set isolated;  // /sys/devices/system/cpu/isolated (isolcpus=domain CPUs)
  cpu_set nohz_full; // /sys/devices/system/cpu/nohz_full, empty when absent
  std::vector<cpu_info> cpus;  // one per present CPU, by id

  const cpu_info* find(unsigned id) const noexcept;
  // thread_siblings of `id`; {id} when unknown.
  cpu_set siblings_of(unsigned id) const;
  // Physical cores, each as its set of thread siblings, among `among`.
  std::vector<cpu_set> cores(const cpu_set& among) const;
};

// Reads /sys/devices/system/cpu. Throws os_error if the directory or its
// "online" file is missing (not a Linux sysfs, or --root points elsewhere) and
// parse_error for a malformed list. Per-CPU files that are missing leave -1 or
// empty sets; CPU nodes are filled from /sys/devices/system/node.
cpu_topology read_cpus(const host_root& root);

}  // namespace xdpkit::topology
