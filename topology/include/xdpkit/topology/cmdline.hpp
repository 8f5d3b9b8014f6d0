// SPDX-License-Identifier: Apache-2.0
// The kernel command line (/proc/cmdline): the boot-time settings that decide
// which CPUs are isolated and which huge pages exist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct isolcpus_setting {
  std::string text;  // the value as written: "managed_irq,domain,2-3"
  cpu_set cpus;
  // Flags before the list, in order: "domain", "managed_irq", "nohz". With no
  // flag the kernel means "domain".
  std::vector<std::string> flags;
  bool has_flag(std::string_view f) const;
};

struct hugepages_setting {
  std::uint64_t page_size_kb = 0;  // from the hugepagesz= before it (or default_hugepagesz, else 2048)
  std::uint64_t count = 0;         // total, or the sum of the per-node counts
  std::vector<std::pair<unsigned, std::uint64_t>> per_node;  // "hugepages=0:2,1:2"
};

struct kernel_cmdline {
  std::string raw;
  // Every parameter before "--" (the rest belongs to init), in order; a bare
  // word has no value. Quotes around a value are removed.
  std::vector<std::pair<std::string, std::optional<std::string>>> params;

  std::optional<isolcpus_setting> isolcpus;
  std::optional<cpu_set> nohz_full;
  // rcu_nocbs without "=" (allowed since 5.17) offloads no CPU at boot: an empty set.
  std::optional<cpu_set> rcu_nocbs;
  std::optional<cpu_set> irqaffinity;
  std::optional<std::uint64_t> default_hugepagesz_kb;
  std::vector<hugepages_setting> hugepages;
  std::optional<std::string> numa_balancing;  // "enable" / "disable"

  // Value of the last `key=value` (the kernel's rule); nullopt when there is
  // none. A bare word is not the parameter: the kernel hands `isolcpus`
  // without '=' to init, so it neither sets nor clears isolcpus=. has() is
  // true for bare words too.
  std::optional<std::string> value(std::string_view key) const;
  bool has(std::string_view key) const;
};

// Never throws for unknown parameters. Throws parse_error naming `source` when a
// parameter xdpkit interprets is malformed: a bad CPU list in isolcpus= /
// nohz_full= / rcu_nocbs= / irqaffinity=, an unknown isolcpus flag, a size
// without a number ("hugepagesz=G"), hugepages= that is not a count.
kernel_cmdline parse_cmdline(std::string_view text, std::string_view source = {});
// /proc/cmdline. Throws os_error, parse_error.
kernel_cmdline read_cmdline(const host_root& root);

// "2M" -> 2048, "1G" -> 1048576, "4096K" -> 4096, "2097152" (bytes) -> 2048, as
// the kernel's memparse. std::nullopt for anything else or sizes below 1 kB.
std::optional<std::uint64_t> parse_size_kb(std::string_view text);

}  // namespace xdpkit::topology
