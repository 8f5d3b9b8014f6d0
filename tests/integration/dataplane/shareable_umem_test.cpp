// SPDX-License-Identifier: Apache-2.0
// What a hot restart will take over: engine::fds() names every fd the data
// plane runs on, and a shareable UMEM is a memfd that a second mapping (what
// another process would make from the handed-over fd) shows with the frames
// the kernel wrote.
#include <gtest/gtest.h>

#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <filesystem>
#include <string>

#include "lab_fixture.hpp"
#include "xdpkit/base/mmap_region.hpp"
#include "xdpkit/topology/hugepages.hpp"

namespace xdpkit::testing {
namespace {

class ShareableUmem : public LabTest {
 protected:
  static std::string fd_target(int fd) {
    std::error_code ec;
    return std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
  }
};

TEST_F(ShareableUmem, AnotherMappingOfTheMemfdSeesTheFramesTheKernelWrote) {
  engine_config c = lab_config();
  c.handler = handler_kind::rxdrop;
  c.umem.shareable = true;
  start(c);
  constexpr std::uint64_t n = 1000;
  ASSERT_EQ(send_paced(n), n);
  ASSERT_TRUE(wait_until([&] { return engine_->stats().total().rx_packets >= n; }, std::chrono::seconds(5)));

  const data_plane_fds fds = engine_->fds();
  EXPECT_GE(fds.program, 0);
  EXPECT_EQ(fd_target(fds.program), "anon_inode:bpf-prog");
  const bool has_xsks = std::any_of(fds.maps.begin(), fds.maps.end(), [](const auto& m) { return m.first == "xsks"; });
  EXPECT_TRUE(has_xsks) << "the socket map is among the maps";
  for (const auto& [name, fd] : fds.maps) EXPECT_EQ(fd_target(fd), "anon_inode:bpf-map") << name;
  ASSERT_EQ(fds.queues.size(), 1u);
  const auto& q = fds.queues[0];
  EXPECT_EQ(fd_target(q.xsk).rfind("socket:[", 0), 0u) << fd_target(q.xsk);
  ASSERT_GE(q.umem, 0) << "a shareable UMEM has a memfd";
  EXPECT_EQ(fd_target(q.umem).rfind("/memfd:xdpkit-umem", 0), 0u) << fd_target(q.umem);
  EXPECT_EQ(q.umem_bytes, std::size_t{c.umem.frame_count} * c.umem.frame_size);

  void* p = mmap(nullptr, q.umem_bytes, PROT_READ, MAP_SHARED, q.umem, 0);
  ASSERT_NE(p, MAP_FAILED);
  const mmap_region second(p, q.umem_bytes);
  const std::vector<std::uint8_t> frame = lab_frame();
  // The kernel writes a packet after its headroom, so anywhere in a frame.
  const auto* area = static_cast<const std::uint8_t*>(p);
  EXPECT_NE(std::search(area, area + q.umem_bytes, frame.begin(), frame.end()), area + q.umem_bytes)
      << "no frame of the second mapping holds the lab's packet";
}

TEST_F(ShareableUmem, OnHugePagesTheMemfdIsHugetlb) {
  // One UMEM's 8 pages of 2 MiB, grown for the test and put back after it.
  std::optional<topology::hugepage_reservation> pool;
  try {
    pool.emplace(topology::hugepage_reservation::reserve(topology::host_root("/"), 0, 2048, 8));
  } catch (const std::exception& e) {
    GTEST_SKIP() << "cannot grow node 0's 2 MiB pool by 8 pages: " << e.what();
  }
  engine_config c = lab_config();
  c.umem.shareable = true;
  c.umem.pages = page_policy::huge_preferred;
  start(c);
  const data_plane_fds::queue q = engine_->fds().queues.at(0);
  ASSERT_GE(q.umem, 0);
  struct statfs fs {};
  ASSERT_EQ(fstatfs(q.umem, &fs), 0);
  ASSERT_TRUE(engine_->info().huge_pages) << engine_->info().pages_fallback;
  EXPECT_EQ(fs.f_type, static_cast<decltype(fs.f_type)>(HUGETLBFS_MAGIC));
  engine_.reset();  // the pages go back to the pool before it shrinks
}

TEST_F(ShareableUmem, AnAnonymousUmemHasNoMemfd) {
  start(lab_config());
  EXPECT_EQ(engine_->fds().queues.at(0).umem, -1);
}

}  // namespace
}  // namespace xdpkit::testing
