// SPDX-License-Identifier: Apache-2.0
// The owners release exactly what they own, once, and moves transfer it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>

#include "xdpkit/base/mmap_region.hpp"
#include "xdpkit/base/scope_exit.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit {
namespace {

bool fd_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesOnDestruction) {
  int raw;
  {
    unique_fd fd(open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(fd);
    raw = fd.get();
    ASSERT_TRUE(fd_open(raw));
  }
  EXPECT_FALSE(fd_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnership) {
  unique_fd a(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int raw = a.get();
  unique_fd b(std::move(a));
  EXPECT_FALSE(a);
  EXPECT_EQ(b.get(), raw);
  unique_fd c;
  c = std::move(b);
  EXPECT_EQ(c.get(), raw);
  EXPECT_TRUE(fd_open(raw));
}

TEST(UniqueFd, MoveAssignClosesThePreviousFd) {
  unique_fd a(open("/dev/null", O_RDONLY | O_CLOEXEC));
  unique_fd b(open("/dev/null", O_RDONLY | O_CLOEXEC));
  const int old_a = a.get();
  a = std::move(b);
  EXPECT_FALSE(fd_open(old_a));
  EXPECT_TRUE(fd_open(a.get()));
}

TEST(UniqueFd, ReleaseGivesUpOwnership) {
  unique_fd a(open("/dev/null", O_RDONLY | O_CLOEXEC));
  int raw = a.release();
  EXPECT_FALSE(a);
  EXPECT_TRUE(fd_open(raw));
  close(raw);
}

TEST(MmapRegion, UnmapsOnDestruction) {
  const std::size_t len = 4096;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  {
    mmap_region r(p, len);
    EXPECT_EQ(r.size(), len);
    static_cast<char*>(r.data())[0] = 1;
  }
  // mincore fails with ENOMEM on an address that is no longer mapped.
  unsigned char vec;
  EXPECT_EQ(mincore(p, len, &vec), -1);
  EXPECT_EQ(errno, ENOMEM);
}

TEST(MmapRegion, MoveLeavesSourceEmpty) {
  void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  mmap_region a(p, 4096);
  mmap_region b(std::move(a));
  EXPECT_FALSE(a);
  EXPECT_EQ(b.data(), p);
}

TEST(ScopeExit, RunsUnlessReleased) {
  int runs = 0;
  { scope_exit g([&] { ++runs; }); }
  EXPECT_EQ(runs, 1);
  {
    scope_exit g([&] { ++runs; });
    g.release();
  }
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace xdpkit
