// SPDX-License-Identifier: Apache-2.0
// Per-queue placement: which IRQ serves which queue and where it fires, RPS
// and XPS CPUs, RFS flow counts, and the netdev's NAPI knobs
// (napi_defer_hard_irqs, gro_flush_timeout). Host facts (PCI device, NUMA
// node, IRQ lists and affinity) come from topology/; the per-queue sysfs
// files it does not cover are read here, under the same host_root so fixture
// trees and a namespace's own sysfs mount work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/topology/nic.hpp"

namespace xdpkit::ethtool {

// What an IRQ's name says about the queue it serves.
struct irq_role {
  int queue = -1;         // -1: not a queue IRQ (link, config, mailbox)
  std::string direction;  // "rx", "tx", "rx+tx" or "" (not a queue IRQ)
};

// Understands the names drivers give their queue vectors: eth0-TxRx-3 (i40e,
// ice, ixgbe), eth0-rx-2 / eth0-tx-2 (igb, bnxt), virtio0-input.1 /
// virtio0-output.1 (virtio-net), mlx5_comp3@pci:..., ens1f0-3 (many).
irq_role classify_irq(std::string_view name);

struct queue_irq {
  unsigned irq = 0;
  std::string name;
  irq_role role;
  std::optional<topology::cpu_set> affinity;   // smp_affinity_list
  std::optional<topology::cpu_set> effective;  // where it fires now
};

struct rx_queue {
  unsigned index = 0;
  std::optional<topology::cpu_set> rps_cpus;  // nullopt: kernel without RPS
  std::optional<std::uint32_t> rps_flow_cnt;  // RFS flow table size
};

struct tx_queue {
  unsigned index = 0;
  std::optional<topology::cpu_set> xps_cpus;  // nullopt: kernel without XPS
};

struct queue_report {
  topology::nic_info nic;  // PCI device, NUMA node, local CPUs, raw IRQs
  std::vector<queue_irq> irqs;
  std::vector<rx_queue> rx;
  std::vector<tx_queue> tx;
  std::optional<std::uint32_t> napi_defer_hard_irqs;
  std::optional<std::uint64_t> gro_flush_timeout_ns;
};

// Throws topology::os_error (ENODEV: no such interface under this root) or
// topology::parse_error for text the kernel would not write.
queue_report read_queues(const topology::host_root& root, std::string_view ifname);

// The writers throw topology::os_error with the kernel's errno (EINVAL for a
// mask naming CPUs that do not exist, ENOENT for a queue that does not).
void write_rps_cpus(const topology::host_root& root, std::string_view ifname, unsigned queue,
                    const topology::cpu_set& cpus);
void write_xps_cpus(const topology::host_root& root, std::string_view ifname, unsigned queue,
                    const topology::cpu_set& cpus);
void write_napi_defer_hard_irqs(const topology::host_root& root, std::string_view ifname, std::uint32_t n);
void write_gro_flush_timeout(const topology::host_root& root, std::string_view ifname, std::uint64_t ns);

}  // namespace xdpkit::ethtool
