// SPDX-License-Identifier: Apache-2.0
// Huge-page pools (per node and page size), the buddy allocator's free lists
// that say whether a pool can grow now, and an owner that grows a node's pool
// and puts the old size back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct hugepage_pool {
  int node = -1;                  // -1: the system-wide pool (/sys/kernel/mm/hugepages)
  std::uint64_t page_size_kb = 0; // 2048, 1048576, ...
  std::uint64_t total = 0;        // nr_hugepages
  std::uint64_t free = 0;         // free_hugepages
  std::uint64_t surplus = 0;      // surplus_hugepages
  std::optional<std::uint64_t> reserved;  // resv_hugepages (system-wide pools only)
};

// All pools: system-wide ones first (by size), then per node (by node, size).
// Missing directories give no pools (a kernel without hugetlbfs). Throws
// os_error for unreadable files, parse_error for non-numeric counts.
std::vector<hugepage_pool> read_hugepage_pools(const host_root& root);
// The pool of one node and size, or std::nullopt when it does not exist.
std::optional<hugepage_pool> find_pool(const std::vector<hugepage_pool>& pools, int node,
                                       std::uint64_t page_size_kb);

// One line of /proc/buddyinfo: free blocks per order (order 0 = one base page).
struct buddy_zone {
  int node = 0;
  std::string zone;  // "DMA", "DMA32", "Normal", "Movable"
  std::vector<std::uint64_t> free_blocks;  // index = order
};

// Throws parse_error naming `source` for a line that is not
// "Node <n>, zone <name> <count>...".
std::vector<buddy_zone> parse_buddyinfo(std::string_view text, std::string_view source = {});
// /proc/buddyinfo. Throws os_error, parse_error.
std::vector<buddy_zone> read_buddyinfo(const host_root& root);
// How many pages of `page_size_kb` the free lists of `node` could supply right
// now without compaction: each free block of order >= the page's order holds
// 2^(order - page order) of them. Assumes `base_page_kb` (4 on x86-64).
std::uint64_t hugepages_available(const std::vector<buddy_zone>& zones, int node,
                                  std::uint64_t page_size_kb, std::uint64_t base_page_kb = 4);

// The nr_hugepages file of a node's pool (host-style: resolve it under a host_root).
std::string hugepage_pool_path(unsigned node, std::uint64_t page_size_kb);
// Waits (up to 2 s) until `pages` pages of the pool are free. A closed
// socket's UMEM is unpinned by a kernel workqueue a moment after the close
// (xdp_umem_release is deferred), and a pool shrunk before that keeps the
// pages still in use (the rig's igb guest on 7.3 once found 8 of 16 left).
// A tree without free_hugepages (a fixture) does not wait.
void wait_for_free_hugepages(const host_root& root, unsigned node, std::uint64_t size_kb, std::uint64_t pages);

// Grows the pool of `page_size_kb` pages on `node` by `pages` through
// /sys/devices/system/node/node<N>/hugepages/hugepages-<size>kB/nr_hugepages, and
// writes the old nr_hugepages back when destroyed (or on restore()). Move-only.
class hugepage_reservation {
 public:
  // Reads nr_hugepages, writes old + pages, reads back what the kernel managed
  // (it allocates what it can and says nothing). If it got fewer than asked, the
  // old value is written back and os_error(ENOMEM) is thrown, with the buddyinfo
  // estimate in the hint. Also throws os_error for a node or size without a pool
  // (ENOENT) or without privileges (EACCES), parse_error for a malformed count.
  static hugepage_reservation reserve(const host_root& root, unsigned node, std::uint64_t page_size_kb,
                                      std::uint64_t pages);

  hugepage_reservation(hugepage_reservation&& o) noexcept;
  hugepage_reservation& operator=(hugepage_reservation&& o) noexcept;
  hugepage_reservation(const hugepage_reservation&) = delete;
  hugepage_reservation& operator=(const hugepage_reservation&) = delete;
  // Restores the old value; errors are swallowed (a destructor cannot report),
  // call restore() first to see them.
  ~hugepage_reservation();

  // Writes the old nr_hugepages back. Throws os_error. Pages still mapped by
  // someone become surplus and return to the kernel when unmapped. Idempotent.
  void restore();
  // Gives up ownership: the pool stays grown.
  void release() noexcept { active_ = false; }

  unsigned node() const noexcept { return node_; }
  std::uint64_t page_size_kb() const noexcept { return page_size_kb_; }
  std::uint64_t old_total() const noexcept { return old_total_; }
  std::uint64_t new_total() const noexcept { return new_total_; }
  const std::string& sysfs_path() const noexcept { return path_; }  // host-style path

 private:
  hugepage_reservation(host_root root, std::string path, unsigned node, std::uint64_t size_kb,
                       std::uint64_t old_total, std::uint64_t new_total) noexcept;
  host_root root_;
  std::string path_;
  unsigned node_ = 0;
  std::uint64_t page_size_kb_ = 0;
  std::uint64_t old_total_ = 0;
  std::uint64_t new_total_ = 0;
  bool active_ = false;
};

}  // namespace xdpkit::topology
