// SPDX-License-Identifier: Apache-2.0
// Everything topology/ knows about a host, read in one call. The CLI, the
// planner and the validator work from this snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "xdpkit/topology/cmdline.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/interrupts.hpp"
#include "xdpkit/topology/nic.hpp"
#include "xdpkit/topology/numa.hpp"
#include "xdpkit/topology/planner.hpp"

namespace xdpkit::topology {

struct host_snapshot {
  cpu_topology cpus;
  numa_topology numa;
  std::vector<std::string> numa_problems;  // check_numa()
  kernel_cmdline cmdline;                  // empty when /proc/cmdline is absent
  std::vector<hugepage_pool> hugepages;
  std::vector<buddy_zone> buddyinfo;       // empty when /proc/buddyinfo is absent
  std::optional<interrupt_table> interrupts;
  std::vector<nic_info> nics;              // every interface, sorted by name
  // Entries of /sys/class/net that could not be read as an interface (a bad
  // name, a file that lies): skipped and said, so one odd entry does not
  // hide the rest of the host. "NAME: why".
  std::vector<std::string> skipped_interfaces;

  const nic_info* find_nic(std::string_view name) const noexcept;
  // CPUs isolated from the scheduler: isolcpus= (any flags) and the sysfs
  // "isolated" file together.
  cpu_set isolated_cpus() const;
};

// Reads everything. Throws os_error when the CPU directory is missing (a wrong
// --root), parse_error for malformed text in any file it reads; optional files
// (cmdline, buddyinfo, interrupts) that are absent are left empty.
host_snapshot read_host(const host_root& root);

// The one CPU plan of xdpkit, for `topology` and `run` alike: a worker per rx
// queue (`workers` when non-zero) on the NIC's node, isolated CPUs (isolcpus=
// with any flags, and sysfs "isolated") first. Never throws.
cpu_plan plan_for_nic(const host_snapshot& host, const nic_info& nic, unsigned workers = 0);
// The same for an interface by name: one the snapshot does not list (sysfs read
// from another network namespace) is planned without a NIC node.
cpu_plan plan_for_interface(const host_snapshot& host, std::string_view iface, unsigned workers);

}  // namespace xdpkit::topology
