// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/host.hpp"

#include <algorithm>

namespace xdpkit::topology {

const nic_info* host_snapshot::find_nic(std::string_view name) const noexcept {
  for (const auto& n : nics)
    if (n.name == name) return &n;
  return nullptr;
}

cpu_set host_snapshot::isolated_cpus() const {
  cpu_set s = cpus.isolated;
  if (cmdline.isolcpus) s |= cmdline.isolcpus->cpus;
  return s;
}

host_snapshot read_host(const host_root& root) {
  host_snapshot h;
  h.cpus = read_cpus(root);
  h.numa = read_numa(root, h.cpus);
  h.numa_problems = check_numa(h.numa, h.cpus);
  if (auto c = root.try_read("/proc/cmdline")) h.cmdline = parse_cmdline(*c, "/proc/cmdline");
  h.hugepages = read_hugepage_pools(root);
  if (auto b = root.try_read("/proc/buddyinfo")) h.buddyinfo = parse_buddyinfo(*b, "/proc/buddyinfo");
  if (auto i = root.try_read("/proc/interrupts")) h.interrupts = parse_interrupts(*i, "/proc/interrupts");
  for (const auto& name : list_interfaces(root)) {
    try {
      h.nics.push_back(read_nic(root, name, h.interrupts ? &*h.interrupts : nullptr));
    } catch (const std::exception& e) {  // parse_error, os_error, invalid_argument (a name no device has)
      h.skipped_interfaces.push_back(xdpkit::quote(name) + ": " + e.what());
    }
  }
  return h;
}

namespace {
cpu_plan plan(const host_snapshot& h, int nic_node, unsigned workers) {
  plan_request req;
  req.nic_node = nic_node;
  req.workers = workers;
  return plan_cpus(h.cpus, h.numa, h.isolated_cpus(), req);
}
}  // namespace

cpu_plan plan_for_nic(const host_snapshot& h, const nic_info& nic, unsigned workers) {
  return plan(h, nic.numa_node(), workers ? workers : std::max(1u, nic.rx_queues));
}

cpu_plan plan_for_interface(const host_snapshot& h, std::string_view iface, unsigned workers) {
  if (const nic_info* nic = h.find_nic(iface)) return plan_for_nic(h, *nic, workers);
  return plan(h, -1, std::max(1u, workers));
}

}  // namespace xdpkit::topology
