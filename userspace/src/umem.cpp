// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/umem.hpp"

#include <linux/mempolicy.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/mmap_region.hpp"
#include "xdpkit/base/unique_fd.hpp"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace xdpkit {

namespace {

constexpr std::size_t huge_page_size = 2u << 20;

bool power_of_two(std::uint32_t v) { return v && !(v & (v - 1)); }

std::size_t round_up(std::size_t v, std::size_t to) { return (v + to - 1) / to * to; }

// Binds the (not yet touched) range to one node. Done before the first touch:
// a page's node is decided when it is first faulted in.
void bind_to_node(void* addr, std::size_t len, int node) {
  if (node < 0) return;
  constexpr std::size_t bits = sizeof(unsigned long) * 8;
  unsigned long mask[4] = {};
  if (static_cast<std::size_t>(node) >= sizeof(mask) * 8)
    throw_os_error(EINVAL, "bind UMEM to NUMA node " + std::to_string(node), "mbind");
  mask[node / bits] |= 1ul << (node % bits);
  if (syscall(SYS_mbind, addr, len, MPOL_BIND, mask, sizeof(mask) * 8, 0))
    throw_os_error(errno, "bind UMEM to NUMA node " + std::to_string(node), "mbind",
                   "is the node online and does it have memory? see `numactl -H`");
}

void populate(void* addr, std::size_t len, bool huge) {
  // MADV_POPULATE_WRITE (5.14+) faults every page in now and reports failure,
  // where a SIGBUS in the data path would be the alternative.
  if (madvise(addr, len, MADV_POPULATE_WRITE) == 0) return;
  if (errno != EINVAL) {
    throw_os_error(errno, "populate UMEM", huge ? "2 MiB huge pages" : "normal pages",
                   huge ? "the huge-page pool ran short while faulting pages in" : "");
  }
  std::memset(addr, 0, len);  // older kernels: touch every page
}

std::string short_pool_hint(std::size_t pages, int node) {
  std::string where = node >= 0 ? "/sys/devices/system/node/node" + std::to_string(node) +
                                       "/hugepages/hugepages-2048kB/nr_hugepages"
                                 : "/proc/sys/vm/nr_hugepages";
  return "needs " + std::to_string(pages) + " free 2 MiB huge pages" +
         (node >= 0 ? " on node " + std::to_string(node) : std::string()) +
         "; reserve them with `echo N > " + where +
         "` (N = pages in use + " + std::to_string(pages) +
         "), or allow normal pages (--pages normal), which costs TLB misses";
}

// Maps `len` bytes: anonymous (fd stays empty), or from a new memfd mapped
// shared. MAP_FAILED with errno set on failure. A hugetlb memfd's mmap
// reserves its pages, so a short pool fails here, as MAP_HUGETLB does.
void* map_area(std::size_t len, bool huge, bool shareable, unique_fd& fd) {
  if (!shareable) {
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (huge ? MAP_HUGETLB | MAP_HUGE_2MB : 0);
    return mmap(nullptr, len, PROT_READ | PROT_WRITE, flags, -1, 0);
  }
  unique_fd f(memfd_create("xdpkit-umem", MFD_CLOEXEC | (huge ? MFD_HUGETLB | MFD_HUGE_2MB : 0u)));
  void* p = f && ftruncate(f.get(), static_cast<off_t>(len)) == 0
                ? mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, f.get(), 0)
                : MAP_FAILED;
  const int err = errno;
  if (p != MAP_FAILED) fd = std::move(f);
  f.reset();
  errno = err;  // the caller reports the mapping's error, not the close's
  return p;
}

}  // namespace

void validate(const umem_config& c) {
  if (!power_of_two(c.frame_count)) throw std::invalid_argument("umem frame_count must be a power of two");
  if (c.frame_size != 2048 && c.frame_size != 4096)
    throw std::invalid_argument("umem frame_size must be 2048 or 4096");
  if (!power_of_two(c.fill_size) || !power_of_two(c.completion_size))
    throw std::invalid_argument("umem fill_size and completion_size must be powers of two");
}

struct umem::state {
  umem_config config;
  unique_fd memfd;  // shareable areas only; closed after the unmap (declared first)
  mmap_region area;
  bool huge = false;
  std::string fallback_reason;
  xsk_ring_prod fill{};
  xsk_ring_cons completion{};
  xsk_umem* handle = nullptr;

  ~state() {
    if (handle) xsk_umem__delete(handle);  // before the area is unmapped
  }
};

umem::umem(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
umem::umem(umem&&) noexcept = default;
umem& umem::operator=(umem&&) noexcept = default;
umem::~umem() = default;

umem umem::create(const umem_config& config) {
  validate(config);
  auto st = std::make_unique<state>();
  st->config = config;
  const std::size_t bytes = std::size_t{config.frame_count} * config.frame_size;

  if (config.pages != page_policy::normal) {
    const std::size_t len = round_up(bytes, huge_page_size);
    void* p = map_area(len, true, config.shareable, st->memfd);
    if (p != MAP_FAILED) {
      st->area = mmap_region(p, len);
      st->huge = true;
    } else {
      int err = errno;
      std::string hint = short_pool_hint(len / huge_page_size, config.numa_node);
      if (config.pages == page_policy::huge_required)
        throw_os_error(err, "map UMEM (" + std::to_string(len >> 20) + " MiB)", "2 MiB huge pages", hint);
      st->fallback_reason = std::string("huge pages unavailable (") + std::strerror(err) + "): " + hint;
    }
  }
  if (!st->area) {
    void* p = map_area(bytes, false, config.shareable, st->memfd);
    if (p == MAP_FAILED)
      throw_os_error(errno, "map UMEM (" + std::to_string(bytes >> 20) + " MiB)",
                     config.shareable ? "a memfd on normal pages" : "normal pages");
    st->area = mmap_region(p, bytes);
  }

  bind_to_node(st->area.data(), st->area.size(), config.numa_node);
  populate(st->area.data(), st->area.size(), st->huge);
  if (mlock(st->area.data(), st->area.size()))
    throw_os_error(errno, "mlock UMEM", std::to_string(st->area.size() >> 10) + " KiB",
                   ::geteuid() != 0 ? "raise RLIMIT_MEMLOCK (`ulimit -l unlimited`) or run as root"
                                    : "root may lock memory, so memory itself is short: fewer --frames, or free some");

  xsk_umem_config ucfg{};
  ucfg.fill_size = config.fill_size;
  ucfg.comp_size = config.completion_size;
  ucfg.frame_size = config.frame_size;
  ucfg.frame_headroom = 0;
  ucfg.flags = 0;
  int ret = xsk_umem__create(&st->handle, st->area.data(), bytes, &st->fill, &st->completion, &ucfg);
  if (ret) {
    st->handle = nullptr;
    throw_os_error(errno_of(ret), "register UMEM (XDP_UMEM_REG)", std::to_string(bytes >> 20) + " MiB");
  }
  return umem(std::move(st));
}

xsk_umem* umem::handle() const noexcept { return s_->handle; }
xsk_ring_prod& umem::fill() noexcept { return s_->fill; }
xsk_ring_cons& umem::completion() noexcept { return s_->completion; }
std::uint8_t* umem::base() const noexcept { return static_cast<std::uint8_t*>(s_->area.data()); }
std::size_t umem::size() const noexcept { return std::size_t{s_->config.frame_count} * s_->config.frame_size; }
const umem_config& umem::config() const noexcept { return s_->config; }
bool umem::on_huge_pages() const noexcept { return s_->huge; }
const std::string& umem::fallback_reason() const noexcept { return s_->fallback_reason; }
int umem::memfd() const noexcept { return s_->memfd ? s_->memfd.get() : -1; }
std::size_t umem::mapped_size() const noexcept { return s_->area.size(); }

}  // namespace xdpkit
