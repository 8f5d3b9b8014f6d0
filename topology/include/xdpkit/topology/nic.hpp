// SPDX-License-Identifier: Apache-2.0
// Network interfaces and the PCI devices behind them: which NUMA node a NIC
// hangs off, which CPUs are local to it, and which IRQs are its queues'.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/topology/interrupts.hpp"

namespace xdpkit::topology {

struct pci_device {
  std::string address;     // "0000:00:03.0"
  std::string sysfs_path;  // "/sys/devices/pci0000:00/0000:00:03.0" (host-style)
  int numa_node = -1;      // -1: the firmware did not say (always so on 1-node hosts)
  cpu_set local_cpus;      // local_cpulist; all CPUs when the node is unknown
  std::string vendor;      // "0x8086"
  std::string device;      // "0x159b"
  std::string driver;      // "ice", "virtio-pci"; "" when unbound
  std::vector<unsigned> msi_irqs;  // msi_irqs/ entries, ascending
};

struct nic_irq {
  unsigned irq = 0;
  std::string name;  // from /proc/interrupts ("ice-eth2-TxRx-3"); "" when not listed
  std::optional<irq_affinity> affinity;  // std::nullopt when /proc/irq/<N> is absent
};

struct nic_info {
  std::string name;
  int ifindex = -1;
  std::string driver;  // the netdev's driver ("virtio_net", "ice"); "" for virtual ones
  bool is_virtual = true;  // no device link (lo, veth, bridges, ifb)
  std::optional<pci_device> pci;  // the nearest PCI ancestor of the device
  unsigned rx_queues = 0;  // queues/rx-* directories
  unsigned tx_queues = 0;
  // The PCI device's MSI/MSI-X IRQs, named from /proc/interrupts; when the device
  // has no msi_irqs/, the /proc/interrupts lines naming the interface instead.
  std::vector<nic_irq> irqs;

  // pci->numa_node, or -1.
  int numa_node() const noexcept { return pci ? pci->numa_node : -1; }
};

// Interface names under /sys/class/net, sorted.
std::vector<std::string> list_interfaces(const host_root& root);

// Throws std::invalid_argument for a name that cannot be an interface ("", "..",
// with '/', whitespace or ':', longer than 15), os_error(ENODEV) when no such
// interface exists ("ip -br link" lists them), parse_error for malformed sysfs
// text. /proc/interrupts is read once per call if `interrupts` is null.
nic_info read_nic(const host_root& root, std::string_view name, const interrupt_table* interrupts = nullptr);

// The PCI device at a sysfs path (host-style), or std::nullopt when the path is
// no PCI device. Throws parse_error for malformed numa_node/local_cpulist.
std::optional<pci_device> read_pci_device(const host_root& root, std::string_view sysfs_path);

}  // namespace xdpkit::topology
