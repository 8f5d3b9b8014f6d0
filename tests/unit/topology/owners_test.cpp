// SPDX-License-Identifier: Apache-2.0
// The owners that change a host (sysctl_change, hugepage_reservation), run
// against a writable copy of a fixture so they can be checked without root.
#include <gtest/gtest.h>

#include "temp_tree.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/sysctl.hpp"
#include "xdpkit/topology/validator.hpp"

#include <filesystem>

namespace xdpkit::topology {
namespace {

using test::temp_tree;

const char* node1_2m = "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages";

TEST(SysctlChange, RecordsOldValueAndRestores) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  {
    auto c = sysctl_change::apply(root, "net.core.busy_poll", "50");
    EXPECT_EQ(c.record().name, "net.core.busy_poll");
    EXPECT_EQ(c.record().old_value, "0");
    EXPECT_EQ(c.record().new_value, "50");
    EXPECT_EQ(read_sysctl(root, "net.core.busy_poll"), "50");
  }
  EXPECT_EQ(read_sysctl(root, "net.core.busy_poll"), "0");
}

TEST(SysctlChange, ReleaseKeepsAndMoveTransfersOwnership) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  {
    auto c = sysctl_change::apply(root, "kernel.numa_balancing", "0");
    c.release();
  }
  EXPECT_EQ(read_sysctl(root, "kernel.numa_balancing"), "0");
  {
    std::optional<sysctl_change> outer;
    {
      auto c = sysctl_change::apply(root, "kernel.numa_balancing", "1");
      outer.emplace(std::move(c));
      EXPECT_FALSE(c.active());  // NOLINT(bugprone-use-after-move): checking the moved-from state
    }
    EXPECT_EQ(read_sysctl(root, "kernel.numa_balancing"), "1") << "the moved-from owner must not restore";
    outer->restore();
    EXPECT_EQ(read_sysctl(root, "kernel.numa_balancing"), "0");
    outer->restore();  // idempotent
  }
}

TEST(SysctlChange, MissingSysctlThrowsAndChangesNothing) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  try {
    sysctl_change::apply(root, "net.core.no_such_knob", "1");
    FAIL() << "no throw";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("net.core.no_such_knob"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(read_sysctl(root, "net.core.no_such_knob"));
}

TEST(HugepageReservation, GrowsNodePoolAndPutsOldValueBack) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  {
    auto r = hugepage_reservation::reserve(root, 1, 2048, 4);
    EXPECT_EQ(r.old_total(), 8u);
    EXPECT_EQ(r.new_total(), 12u);
    EXPECT_EQ(r.sysfs_path(), node1_2m);
    EXPECT_EQ(t.read(node1_2m), "12");
  }
  EXPECT_EQ(t.read(node1_2m), "8");
}

TEST(HugepageReservation, MovedOwnerRestoresOnce) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  std::optional<hugepage_reservation> keep;
  {
    auto r = hugepage_reservation::reserve(root, 1, 1048576, 1);
    keep.emplace(std::move(r));
  }
  EXPECT_EQ(t.read("/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages"), "5");
  keep.reset();
  EXPECT_EQ(t.read("/sys/devices/system/node/node1/hugepages/hugepages-1048576kB/nr_hugepages"), "4");
}

TEST(HugepageReservation, UnknownPoolSaysWhatToCheck) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  try {
    hugepage_reservation::reserve(root, 7, 2048, 1);
    FAIL() << "no throw";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("node 7"), std::string::npos) << e.what();
  }
}

TEST(HugepageReservation, GarbageCountIsAParseError) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  t.write(node1_2m, "many\n");
  EXPECT_THROW(hugepage_reservation::reserve(host_root(t.path()), 1, 2048, 1), parse_error);
  EXPECT_EQ(t.read(node1_2m), "many\n");
}

}  // namespace
}  // namespace xdpkit::topology

namespace xdpkit::topology {
namespace {

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// Every path that opens a file, including the throwing ones, many times over:
// the count of open descriptors must not move.
TEST(FdLeaks, ReadersAndOwnersCloseWhatTheyOpen) {
  test::temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  const std::size_t before = open_fds();
  for (int i = 0; i < 50; ++i) {
    auto h = read_host(root);
    (void)validate_host(root, h, validate_options{std::string("eth2"), 0, 16u << 20});
    { auto r = hugepage_reservation::reserve(root, 0, 2048, 1); }
    { auto c = sysctl_change::apply(root, "net.core.busy_read", "5"); }
    EXPECT_THROW(root.read("/no/such/file"), os_error);
    EXPECT_THROW(sysctl_change::apply(root, "net.core.nope", "1"), os_error);
    EXPECT_THROW(root.write("/no/such/dir/file", "1"), os_error);
  }
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace xdpkit::topology
