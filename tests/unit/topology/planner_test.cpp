// SPDX-License-Identifier: Apache-2.0
// The CPU planner on fixture shapes: node-local, one per core, isolated first,
// CPU 0 last, and the explanation says so.
#include <gtest/gtest.h>

#include "temp_tree.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/planner.hpp"

namespace xdpkit::topology {
namespace {

using test::fixture_root;

std::string joined(const cpu_plan& p) {
  std::string s;
  for (const auto& e : p.explanation) s += e + "\n";
  return s;
}

cpu_plan plan(const host_snapshot& h, int node, unsigned workers, bool siblings = false) {
  return plan_cpus(h.cpus, h.numa, h.isolated_cpus(), plan_request{node, workers, siblings, std::nullopt});
}

TEST(Planner, IsolatedLocalCoresFirst) {
  auto h = read_host(host_root(fixture_root("two-socket-ht")));
  auto p = plan(h, 1, 3);
  // Node 1 isolated CPUs are 5-7 and 13-15; one per core: 5, 6, 7.
  EXPECT_EQ(p.workers, (std::vector<unsigned>{5, 6, 7}));
  EXPECT_TRUE(p.complete);
  EXPECT_FALSE(p.shares_siblings);
  EXPECT_FALSE(p.crosses_nodes);
  ASSERT_TRUE(p.control);
  EXPECT_EQ(*p.control, 4u) << "housekeeping CPU on the NIC's node, off the workers' cores\n" << joined(p);
  EXPECT_NE(joined(p).find("NIC on node 1"), std::string::npos) << joined(p);
}

TEST(Planner, NonIsolatedCoresBeforeSiblings) {
  auto h = read_host(host_root(fixture_root("two-socket-ht")));
  auto p = plan(h, 1, 4);
  // Three isolated cores, then core 0 of node 1 (CPU 4 or 12) before any sibling.
  EXPECT_EQ(p.workers, (std::vector<unsigned>{5, 6, 7, 4}));
  EXPECT_FALSE(p.shares_siblings);
}

TEST(Planner, SiblingsOnlyWhenCoresRunOut) {
  auto h = read_host(host_root(fixture_root("two-socket-ht")));
  auto p = plan(h, 1, 6);
  EXPECT_EQ(p.workers.size(), 6u);
  EXPECT_TRUE(p.shares_siblings);
  EXPECT_FALSE(p.crosses_nodes) << "local siblings come before remote cores";
  EXPECT_NE(joined(p).find("hyper-thread sibling"), std::string::npos) << joined(p);
  auto with = plan(h, 1, 2, true);
  EXPECT_EQ(with.workers, (std::vector<unsigned>{5, 6}));
}

TEST(Planner, SpillsToNearestNodeAndAvoidsCpuZero) {
  auto h = read_host(host_root(fixture_root("two-socket-ht")));
  auto p = plan(h, 1, 12);
  EXPECT_TRUE(p.complete);
  EXPECT_TRUE(p.crosses_nodes);
  for (unsigned c : p.workers) EXPECT_NE(c, 0u) << joined(p);
  EXPECT_NE(joined(p).find("CPU 0 avoided"), std::string::npos);
  auto all = plan(h, 1, 16);
  EXPECT_TRUE(all.complete);
  EXPECT_EQ(all.workers.back(), 0u) << "CPU 0 last";
  EXPECT_TRUE(all.control_shared);
  auto too_many = plan(h, 1, 17);
  EXPECT_FALSE(too_many.complete);
  EXPECT_EQ(too_many.workers.size(), 16u);
  EXPECT_NE(joined(too_many).find("only 16 usable CPUs"), std::string::npos);
}

TEST(Planner, MemoryOnlyNicNodeUsesNearestCpus) {
  auto h = read_host(host_root(fixture_root("hotplug-memnode")));
  auto p = plan(h, 1, 2);
  EXPECT_EQ(p.workers, (std::vector<unsigned>{1, 2}));  // isolated, CPU 3 offline
  EXPECT_EQ(p.control, 0u);
  EXPECT_TRUE(p.crosses_nodes);
  EXPECT_NE(joined(p).find("no usable CPU"), std::string::npos) << joined(p);
}

TEST(Planner, UnknownNodeAndAllowedMask) {
  auto h = read_host(host_root(fixture_root("no-numa")));
  auto p = plan(h, -1, 2);
  // 2 cores x 2 threads (0,2) (1,3): one per core, CPU 0 avoided -> 1 then 2.
  EXPECT_EQ(p.workers, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(p.control, 0u);
  EXPECT_NE(joined(p).find("NIC node unknown"), std::string::npos);
  auto r = plan_cpus(h.cpus, h.numa, {}, plan_request{-1, 1, false, cpu_set{3}});
  EXPECT_EQ(r.workers, (std::vector<unsigned>{3}));
  EXPECT_TRUE(r.control_shared);
  auto none = plan_cpus(h.cpus, h.numa, {}, plan_request{-1, 1, false, cpu_set{9}});
  EXPECT_TRUE(none.workers.empty());
  EXPECT_FALSE(none.control);
  EXPECT_THROW(plan(h, -1, 0), std::invalid_argument);
}

TEST(Planner, LiveVmShape) {
  auto h = read_host(host_root(fixture_root("live-vm-1node")));
  auto p = plan(h, -1, 1);
  EXPECT_EQ(p.workers, (std::vector<unsigned>{1}));
  EXPECT_EQ(p.control, 0u);
}

}  // namespace
}  // namespace xdpkit::topology
