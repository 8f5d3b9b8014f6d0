// SPDX-License-Identifier: Apache-2.0
// NUMA nodes as the kernel lists them under /sys/devices/system/node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct numa_node {
  unsigned id = 0;
  bool online = false;
  bool has_cpu = false;
  bool has_memory = false;
  cpu_set cpus;                // nodeN/cpulist
  std::vector<int> distances;  // nodeN/distance, one per entry of numa_topology::online
  std::uint64_t mem_total_kb = 0;  // nodeN/meminfo MemTotal, 0 when unknown
  std::uint64_t mem_free_kb = 0;
};

// 1 << CONFIG_NODES_SHIFT, whose largest value is 10.
inline constexpr std::size_t max_numa_nodes = 1024;

struct numa_topology {
  node_set possible;
  node_set online;
  node_set with_cpu;     // has_cpu
  node_set with_memory;  // has_memory
  std::vector<numa_node> nodes;  // one per node directory, by id
  // True when the host has no node directory (CONFIG_NUMA=n): one node 0 was
  // made up holding every online CPU, distance 10.
  bool synthesized = false;

  const numa_node* find(unsigned id) const noexcept;
  // Distance from node a to node b, or std::nullopt when either is unknown or
  // the matrix has no entry for them.
  std::optional<int> distance(unsigned a, unsigned b) const noexcept;
  // Online nodes ordered by distance from `from` (itself first), ties by id.
  std::vector<unsigned> by_distance(unsigned from) const;
};

// Reads /sys/devices/system/node. Throws os_error for unreadable files (not for
// missing ones: a host without NUMA gets one synthesized node) and parse_error
// for malformed lists or distance rows, and for an online or possible list of
// more than max_numa_nodes nodes.
numa_topology read_numa(const host_root& root, const cpu_topology& cpus);

// What is wrong with the matrix and the CPU-to-node map, one sentence each;
// empty when all is well. Checks: the distance matrix is square over the online
// nodes, symmetric, 10 on the diagonal and > 10 elsewhere; every online CPU is
// in exactly one node.
std::vector<std::string> check_numa(const numa_topology& numa, const cpu_topology& cpus);

}  // namespace xdpkit::topology
