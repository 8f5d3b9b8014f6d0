// SPDX-License-Identifier: Apache-2.0
// /proc/interrupts and /proc/irq/<N>/ affinity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct irq_line {
  std::string id;                 // "38", "NMI", "LOC", ...
  std::optional<unsigned> irq;    // set for numbered IRQs
  std::vector<std::uint64_t> per_cpu;  // aligned with interrupt_table::cpus;
                                       // shorter when the kernel printed fewer ("ERR:")
  std::string chip;     // "PCI-MSIX-0000:00:03.0", "IR-PCI-MSI", "IO-APIC"; "" for ids
  std::string hwirq;    // "1", "524288" ("" when absent)
  std::string trigger;  // "edge", "fasteoi", "Level", ...
  std::string name;     // the actions ("virtio2-input.0", "eth0-TxRx-3", "i8042, rtc0");
                        // for lettered lines, the description ("Local timer interrupts")

  std::uint64_t total() const noexcept;
};

struct interrupt_table {
  // CPU ids from the header ("CPU0 CPU2 ..."); offline CPUs have no column.
  std::vector<unsigned> cpus;
  std::vector<irq_line> lines;

  const irq_line* find(unsigned irq) const noexcept;
  const irq_line* find(std::string_view id) const noexcept;  // "NMI", "38"
  // Numbered IRQs whose name or chip contains `needle` ("eth0", "0000:00:03.0").
  std::vector<const irq_line*> matching(std::string_view needle) const;
  // Count on CPU `cpu` (0 when the CPU has no column).
  std::uint64_t count_on(const irq_line& line, unsigned cpu) const noexcept;
};

// Any number of CPUs. A numbered line is "<irq>: <count>... <chip> <hwirq>-<trigger>
// <name>"; ARM-style "<chip> <hwirq> <Trigger> <name>" is understood too. Counts
// stop at the first non-numeric token, so a short line is kept as it is.
// Throws parse_error naming `source` when the header has no "CPU<n>" column, a
// CPU id is repeated, or a line has no "<id>:" or more counts than CPUs.
interrupt_table parse_interrupts(std::string_view text, std::string_view source = {});
// /proc/interrupts. Throws os_error, parse_error.
interrupt_table read_interrupts(const host_root& root);

struct irq_affinity {
  unsigned irq = 0;
  cpu_set affinity;                 // smp_affinity_list (what was asked)
  std::optional<cpu_set> effective; // effective_affinity_list (where it fires), if the
                                    // kernel exposes it for this chip
  int node = -1;                    // /proc/irq/<N>/node
};

// /proc/irq/<irq>/. Throws os_error(ENOENT) when the IRQ does not exist,
// parse_error for malformed lists. Falls back to the smp_affinity mask when
// the _list file is absent.
irq_affinity read_irq_affinity(const host_root& root, unsigned irq);

// Writes /proc/irq/<irq>/smp_affinity_list. Throws os_error: EIO or EINVAL when
// the chip cannot route there (managed IRQs refuse any change), EACCES without root.
// Callers that must restore the value read it first with read_irq_affinity().
void write_irq_affinity(const host_root& root, unsigned irq, const cpu_set& cpus);

}  // namespace xdpkit::topology
