// SPDX-License-Identifier: Apache-2.0
// umem: the packet buffer area shared with the kernel, with its fill and
// completion rings. Lives on 2 MiB huge pages (one TLB entry per 512 frames),
// bound to the NIC's NUMA node and mlocked so no frame ever faults in the loop.
// Anonymous, or a memfd mapped shared (umem_config::shareable) for a hot restart.
#pragma once

#include <xdp/xsk.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace xdpkit {

enum class page_policy {
  huge_required,   // fail with a clear message when the pool is short
  huge_preferred,  // fall back to normal pages, and say so (fallback_reason())
  normal,
};

struct umem_config {
  std::uint32_t frame_count = 4096;  // power of two
  std::uint32_t frame_size = 4096;   // XSK_UMEM__DEFAULT_FRAME_SIZE; 2048 also valid
  std::uint32_t fill_size = 4096;    // ring sizes: powers of two
  std::uint32_t completion_size = 2048;
  page_policy pages = page_policy::huge_required;
  int numa_node = -1;  // -1: no binding (the NIC's node is unknown)
  // true: the area is a memfd (hugetlb when on huge pages) mapped shared, so
  // another process given the fd (over the control socket, SCM_RIGHTS) maps
  // the same frames: what a hot restart hands over. false: anonymous memory.
  bool shareable = false;
};

// Throws std::invalid_argument naming the field when the config can't work.
void validate(const umem_config& c);

class umem {
 public:
  // Maps, binds, populates and mlocks the area, then registers it with the
  // kernel (xsk_umem__create). Throws os_error; for a short huge-page pool the
  // message gives the pages needed and the command that reserves them.
  static umem create(const umem_config& config);

  umem(umem&&) noexcept;
  umem& operator=(umem&&) noexcept;
  ~umem();

  xsk_umem* handle() const noexcept;
  xsk_ring_prod& fill() noexcept;
  xsk_ring_cons& completion() noexcept;
  std::uint8_t* base() const noexcept;
  std::size_t size() const noexcept;
  const umem_config& config() const noexcept;
  bool on_huge_pages() const noexcept;
  // Why huge pages were not used under huge_preferred; empty otherwise.
  const std::string& fallback_reason() const noexcept;
  // The memfd behind a shareable area (mapped from offset 0, mapped_size()
  // bytes), -1 for anonymous memory. Owned by the umem.
  int memfd() const noexcept;
  std::size_t mapped_size() const noexcept;  // size() rounded up to the page size used

  std::uint8_t* frame(std::uint64_t addr) const noexcept { return base() + addr; }

 private:
  struct state;
  explicit umem(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit
