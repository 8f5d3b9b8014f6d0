// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/ifname.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/nic.hpp"

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// "dddd:bb:dd.f"
bool looks_like_pci_address(std::string_view s) {
  if (s.size() != 12 || s[4] != ':' || s[7] != ':' || s[10] != '.') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11})
    if (!is_hex(s[i])) return false;
  return true;
}

void check_ifname(std::string_view name) {
  if (!is_valid_ifname(name))
    throw std::invalid_argument(xdpkit::quote(std::string(name)) + " is not a valid interface name (" +
                                std::string(ifname_rule) + ")");
}

std::string link_basename(const host_root& root, const std::string& path) {
  auto target = root.resolve_link(path);
  if (!target) return {};
  auto slash = target->rfind('/');
  return slash == std::string::npos ? *target : target->substr(slash + 1);
}

// "eth1" names "eth1-TxRx-0" and "ice-eth1-rx" but not "eth10-TxRx-0" or "veth1".
bool names_interface(std::string_view irq_name, std::string_view ifname) {
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  for (auto at = irq_name.find(ifname); at != std::string_view::npos; at = irq_name.find(ifname, at + 1)) {
    auto end = at + ifname.size();
    if ((at == 0 || !alnum(irq_name[at - 1])) && (end == irq_name.size() || !alnum(irq_name[end]))) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> list_interfaces(const host_root& root) { return root.list("/sys/class/net"); }

std::optional<pci_device> read_pci_device(const host_root& root, std::string_view sysfs_path) {
  std::string path(sysfs_path);
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (!looks_like_pci_address(base) || !root.is_directory(path)) return std::nullopt;
  pci_device d;
  d.address = base;
  d.sysfs_path = path;
  if (auto n = root.try_read_line(path + "/numa_node")) {
    auto v = text::to_int(*n);
    if (!v || *v < -1) throw parse_error("numa_node", path + "/numa_node", text::quote(*n) + " is not a node id");
    d.numa_node = *v;
  }
  if (auto l = root.try_read(path + "/local_cpulist")) d.local_cpus = cpu_set::parse_list(*l, path + "/local_cpulist");
  else if (auto m = root.try_read(path + "/local_cpus")) d.local_cpus = cpu_set::parse_mask(*m, path + "/local_cpus");
  d.vendor = root.try_read_line(path + "/vendor").value_or("");
  d.device = root.try_read_line(path + "/device").value_or("");
  d.driver = link_basename(root, path + "/driver");
  for (const auto& e : root.list(path + "/msi_irqs"))
    if (auto irq = text::to_uint(e)) d.msi_irqs.push_back(*irq);
  std::sort(d.msi_irqs.begin(), d.msi_irqs.end());
  return d;
}

nic_info read_nic(const host_root& root, std::string_view name, const interrupt_table* interrupts) {
  check_ifname(name);
  const std::string dir = "/sys/class/net/" + std::string(name);
  if (!root.exists(dir))
    throw os_error(ENODEV, "find interface", root.resolve(dir).string(), "no such interface; 'ip -br link' lists them");
  nic_info n;
  n.name = std::string(name);
  if (auto idx = root.try_read_line(dir + "/ifindex")) {
    auto v = text::to_int(*idx);
    if (!v) throw parse_error("ifindex", dir + "/ifindex", text::quote(*idx) + " is not a number");
    n.ifindex = *v;
  }
  for (const auto& q : root.list(dir + "/queues")) {
    if (text::starts_with(q, "rx-")) ++n.rx_queues;
    if (text::starts_with(q, "tx-")) ++n.tx_queues;
  }
  // The netdev's "device" is the PCI function for most NICs but a child of it
  // for some (virtio-net: .../0000:00:03.0/virtio2), so walk up to the PCI one.
  if (auto dev = root.resolve_link(dir + "/device")) {
    n.is_virtual = false;
    n.driver = link_basename(root, dir + "/device/driver");
    std::string p = *dev;
    while (p.size() > std::string_view("/sys/devices").size() && text::starts_with(p, "/sys/devices/")) {
      if (auto pci = read_pci_device(root, p)) {
        n.pci = std::move(pci);
        break;
      }
      p = p.substr(0, p.rfind('/'));
    }
  }
  interrupt_table own;
  if (!interrupts) {
    if (auto text_ = root.try_read("/proc/interrupts")) {
      own = parse_interrupts(*text_, "/proc/interrupts");
      interrupts = &own;
    }
  }
  std::vector<unsigned> irqs;
  if (n.pci) irqs = n.pci->msi_irqs;
  if (irqs.empty() && interrupts)
    for (const auto& l : interrupts->lines)
      if (l.irq && names_interface(l.name, n.name)) irqs.push_back(*l.irq);
  std::sort(irqs.begin(), irqs.end());
  irqs.erase(std::unique(irqs.begin(), irqs.end()), irqs.end());
  for (unsigned irq : irqs) {
    nic_irq q;
    q.irq = irq;
    if (interrupts)
      if (const irq_line* l = interrupts->find(irq)) q.name = l->name;
    if (root.exists("/proc/irq/" + std::to_string(irq))) q.affinity = read_irq_affinity(root, irq);
    n.irqs.push_back(std::move(q));
  }
  return n;
}

}  // namespace xdpkit::topology
