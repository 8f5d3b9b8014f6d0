// SPDX-License-Identifier: Apache-2.0
// Chooses the CPUs for AF_XDP workers and the control thread, and says why.
//
// Rules, in order of weight:
//  1. CPUs on the NIC's NUMA node (all online CPUs when the node is unknown);
//     other nodes only when the NIC's node runs out, nearest first.
//  2. One worker per physical core: no two workers on hyper-thread siblings
//     unless there are not enough cores (or allow_siblings).
//  3. Isolated CPUs (isolcpus=, /sys/devices/system/cpu/isolated) first.
//  4. Not CPU 0 when avoidable: it takes the timer, most unbound IRQs and
//     the housekeeping of a non-isolated host.
// The control CPU is a housekeeping CPU: not isolated, not a worker nor a
// worker's sibling when possible, on the NIC's node when possible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "xdpkit/topology/cmdline.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/numa.hpp"

namespace xdpkit::topology {

struct plan_request {
  int nic_node = -1;       // -1: unknown
  unsigned workers = 1;
  bool allow_siblings = false;  // true: siblings are as good as separate cores
  std::optional<cpu_set> allowed;  // restrict to these (a cgroup cpuset, --cpus)
};

struct cpu_plan {
  std::vector<unsigned> workers;   // in the order queues should take them
  std::optional<unsigned> control; // std::nullopt only when no CPU is online
  bool complete = false;           // workers.size() == requested
  bool shares_siblings = false;    // two workers are hyper-thread siblings
  bool crosses_nodes = false;      // a worker is off the NIC's node
  bool control_shared = false;     // the control CPU is also a worker
  std::vector<std::string> explanation;  // one sentence per decision
};

// Never throws for a request it cannot meet: it returns complete == false with
// the reason in the explanation. Throws std::invalid_argument for workers == 0.
cpu_plan plan_cpus(const cpu_topology& cpus, const numa_topology& numa, const cpu_set& isolated,
                   const plan_request& request);

}  // namespace xdpkit::topology
