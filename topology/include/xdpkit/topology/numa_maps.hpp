// SPDX-License-Identifier: Apache-2.0
// /proc/<pid>/numa_maps: where the pages of each mapping live. userspace/ checks
// that a UMEM really sits on the NIC's node with this.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct numa_maps_entry {
  std::uint64_t start = 0;          // first address of the mapping
  std::string policy;               // "default", "bind:0", "interleave:0-1", ...
  std::map<unsigned, std::uint64_t> pages_per_node;  // N<node>=<pages>
  std::uint64_t kernel_page_size_kb = 0;  // kernelpagesize_kB, 0 if absent
  bool huge = false;                // "huge": a hugetlbfs mapping
  bool heap = false;
  bool stack = false;
  std::optional<std::string> file;  // file=, with the kernel's escapes (\040 ...)
  std::map<std::string, std::uint64_t, std::less<>> counters;  // anon=, dirty=, mapped=, ...

  std::uint64_t pages() const noexcept;  // sum over nodes
  std::uint64_t bytes_on_node(unsigned node) const noexcept;
  std::uint64_t bytes() const noexcept;
};

// One entry per non-empty line. Throws parse_error naming `source` and the line
// for a line without a hex address and a policy, an N<node>= or counter value that
// is not a number, or a node id above cpu_set::max_id. Unknown bare words are
// ignored (the kernel adds flags over time).
std::vector<numa_maps_entry> parse_numa_maps(std::string_view text, std::string_view source = {});
// /proc/self/numa_maps (pid 0) or /proc/<pid>/numa_maps. Throws os_error, parse_error.
std::vector<numa_maps_entry> read_numa_maps(const host_root& root, int pid = 0);
// The mapping that starts at `start`, or nullptr.
const numa_maps_entry* find_mapping(const std::vector<numa_maps_entry>& maps, std::uint64_t start) noexcept;

}  // namespace xdpkit::topology
