#include "xdpkit/topology/host.hpp"

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
  for (const auto& name : list_interfaces(root))
    h.nics.push_back(read_nic(root, name, h.interrupts ? &*h.interrupts : nullptr));
  return h;
}

}  // namespace xdpkit::topology
