// SPDX-License-Identifier: Apache-2.0
// Readers over fixture trees (tests/fixtures/*/root) and small hand-written trees.
#include <gtest/gtest.h>

#include "temp_tree.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/nic.hpp"
#include "xdpkit/topology/numa.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/topology/softnet.hpp"
#include "xdpkit/topology/sysctl.hpp"

namespace xdpkit::topology {
namespace {

using test::fixture_root;
using test::temp_tree;

TEST(TwoSocket, CpusSiblingsAndNodes) {
  host_root root(fixture_root("two-socket-ht"));
  auto cpus = read_cpus(root);
  EXPECT_EQ(cpus.online.to_list(), "0-15");
  ASSERT_EQ(cpus.cpus.size(), 16u);
  EXPECT_EQ(cpus.find(5)->package_id, 1);
  EXPECT_EQ(cpus.find(5)->core_id, 1);
  EXPECT_EQ(cpus.find(5)->node, 1);
  EXPECT_EQ(cpus.siblings_of(5).to_list(), "5,13");
  EXPECT_EQ(cpus.cores(cpu_set::parse_list("4-7,12-15")).size(), 4u);
  EXPECT_EQ(cpus.isolated.to_list(), "5-7,13-15");
  auto numa = read_numa(root, cpus);
  EXPECT_EQ(numa.online.to_list(), "0-1");
  EXPECT_EQ(numa.distance(0, 1), 21);
  EXPECT_EQ(numa.distance(1, 1), 10);
  EXPECT_EQ(numa.find(1)->cpus.to_list(), "4-7,12-15");
  EXPECT_EQ(numa.by_distance(1), (std::vector<unsigned>{1, 0}));
  EXPECT_TRUE(check_numa(numa, cpus).empty());
}

TEST(TwoSocket, HugePagePoolsPerNodeAndSize) {
  host_root root(fixture_root("two-socket-ht"));
  auto pools = read_hugepage_pools(root);
  auto g = find_pool(pools, -1, 1048576);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->total, 6u);
  EXPECT_EQ(g->reserved, 0u);
  auto n1 = find_pool(pools, 1, 2048);
  ASSERT_TRUE(n1);
  EXPECT_EQ(n1->total, 8u);
  EXPECT_EQ(n1->free, 2u);
  EXPECT_EQ(find_pool(pools, 1, 1048576)->free, 3u);
  EXPECT_FALSE(find_pool(pools, 2, 2048));
  EXPECT_EQ(pools.front().node, -1);  // system-wide first
}

TEST(TwoSocket, NicOnNodeOneWithSixteenQueues) {
  host_root root(fixture_root("two-socket-ht"));
  auto nic = read_nic(root, "eth2");
  EXPECT_FALSE(nic.is_virtual);
  ASSERT_TRUE(nic.pci);
  EXPECT_EQ(nic.pci->address, "0000:81:00.0");
  EXPECT_EQ(nic.pci->sysfs_path, "/sys/devices/pci0000:81/0000:81:00.0");
  EXPECT_EQ(nic.numa_node(), 1);
  EXPECT_EQ(nic.pci->local_cpus.to_list(), "4-7,12-15");
  EXPECT_EQ(nic.pci->driver, "ice");
  EXPECT_EQ(nic.rx_queues, 16u);
  EXPECT_EQ(nic.tx_queues, 16u);
  ASSERT_EQ(nic.irqs.size(), 17u);
  EXPECT_EQ(nic.irqs[0].name, "ice-0000:81:00.0:misc");
  EXPECT_EQ(nic.irqs[4].name, "ice-eth2-TxRx-3");
  ASSERT_TRUE(nic.irqs[4].affinity);
  EXPECT_EQ(nic.irqs[4].affinity->affinity.to_list(), "3");
  EXPECT_EQ(nic.irqs[4].affinity->node, 1);
  auto lo = read_nic(root, "lo");
  EXPECT_TRUE(lo.is_virtual);
  EXPECT_FALSE(lo.pci);
  EXPECT_EQ(lo.numa_node(), -1);
}

TEST(TwoSocket, ProcessesFoundByCommEvenWithHostileNeighbours) {
  host_root root(fixture_root("two-socket-ht"));
  EXPECT_EQ(list_pids(root), (std::vector<int>{1, 812, 1377}));
  auto found = find_processes(root, "irqbalance");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].pid, 812);
  EXPECT_EQ(find_processes(root, "a) b (c").size(), 1u);
  EXPECT_TRUE(find_processes(root, "b").empty());
}

TEST(TwoSocket, SoftnetAndSysctls) {
  host_root root(fixture_root("two-socket-ht"));
  auto s = read_softnet_stat(root);
  ASSERT_EQ(s.size(), 16u);
  EXPECT_EQ(s[15].cpu, 15u);
  EXPECT_EQ(s[2].time_squeeze, 2u);
  EXPECT_EQ(read_sysctl(root, "kernel.numa_balancing"), "1");
  EXPECT_EQ(read_sysctl(root, "kernel/numa_balancing"), "1");
  EXPECT_EQ(read_sysctl(root, "net.core.no_such_thing"), std::nullopt);
  EXPECT_THROW(read_sysctl(root, "net..core"), std::invalid_argument);
  EXPECT_THROW(read_sysctl(root, "net/../../etc/passwd"), std::invalid_argument);
  EXPECT_EQ(sysctl_path("net/ipv4/conf/eth0.100/rp_filter"), "/proc/sys/net/ipv4/conf/eth0.100/rp_filter");
}

TEST(HotplugMemnode, OfflineCpuAndMemoryOnlyNode) {
  host_root root(fixture_root("hotplug-memnode"));
  auto cpus = read_cpus(root);
  EXPECT_EQ(cpus.possible.to_list(), "0-7");
  EXPECT_EQ(cpus.present.to_list(), "0-3");
  EXPECT_EQ(cpus.online.to_list(), "0-2");
  EXPECT_EQ(cpus.offline.to_list(), "3-7");
  const cpu_info* c3 = cpus.find(3);
  ASSERT_NE(c3, nullptr);
  EXPECT_FALSE(c3->online);
  EXPECT_EQ(c3->core_id, -1);  // topology/ is gone with the CPU
  EXPECT_EQ(c3->node, -1);
  auto numa = read_numa(root, cpus);
  const numa_node* n1 = numa.find(1);
  ASSERT_NE(n1, nullptr);
  EXPECT_FALSE(n1->has_cpu);
  EXPECT_TRUE(n1->has_memory);
  EXPECT_TRUE(n1->cpus.empty());
  EXPECT_EQ(n1->mem_total_kb, 33554432u);
  EXPECT_TRUE(check_numa(numa, cpus).empty());
  auto nic = read_nic(root, "ens1f0");
  EXPECT_EQ(nic.numa_node(), 1);
  EXPECT_EQ(nic.irqs.size(), 3u);
  EXPECT_EQ(nic.irqs[1].name, "mlx5_comp0@pci:0000:3b:00.0");
}

TEST(NoNuma, OneNodeIsSynthesized) {
  host_root root(fixture_root("no-numa"));
  auto cpus = read_cpus(root);
  auto numa = read_numa(root, cpus);
  EXPECT_TRUE(numa.synthesized);
  ASSERT_EQ(numa.nodes.size(), 1u);
  EXPECT_EQ(numa.nodes[0].cpus.to_list(), "0-3");
  EXPECT_EQ(numa.nodes[0].mem_total_kb, 2000000u);
  EXPECT_TRUE(check_numa(numa, cpus).empty());
  EXPECT_TRUE(read_hugepage_pools(root).empty());
  auto h = read_host(root);
  EXPECT_EQ(h.nics.size(), 2u);
  EXPECT_TRUE(h.find_nic("veth0")->is_virtual);
}

TEST(LiveVmFixture, VirtioNicWalksUpToItsPciFunction) {
  host_root root(fixture_root("live-vm-1node"));
  auto nic = read_nic(root, "eth0");
  ASSERT_TRUE(nic.pci);
  EXPECT_EQ(nic.pci->address, "0000:00:03.0");
  EXPECT_EQ(nic.numa_node(), -1);
  EXPECT_EQ(nic.driver, "virtio_net");
  EXPECT_EQ(nic.pci->driver, "virtio-pci");
  EXPECT_FALSE(nic.irqs.empty());
}

TEST(Readers, MissingInterfaceAndBadNames) {
  host_root root(fixture_root("two-socket-ht"));
  try {
    read_nic(root, "eth9");
    FAIL() << "no throw";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), ENODEV);
    EXPECT_NE(std::string(e.what()).find("eth9"), std::string::npos);
  }
  for (const char* bad : {"", "..", ".", "a/b", "a b", "eth0:1", "averyveryverylongname"})
    EXPECT_THROW(read_nic(root, bad), std::invalid_argument) << bad;
}

TEST(Readers, WrongRootSaysWhere) {
  host_root root("/nonexistent-xdpkit-root");
  try {
    read_cpus(root);
    FAIL() << "no throw";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("/nonexistent-xdpkit-root/sys/devices/system/cpu/online"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(host_root("/").resolve("../etc"), std::invalid_argument);
}

TEST(Readers, IrqAffinityFallsBackToMask) {
  temp_tree t;
  t.write("/proc/irq/7/smp_affinity", "00000000,00000f00\n");
  t.write("/proc/irq/7/node", "-1\n");
  auto a = read_irq_affinity(host_root(t.path()), 7);
  EXPECT_EQ(a.affinity.to_list(), "8-11");
  EXPECT_FALSE(a.effective);
  EXPECT_EQ(a.node, -1);
  EXPECT_THROW(read_irq_affinity(host_root(t.path()), 8), os_error);
}

TEST(Readers, IrqAffinityWriteThenReadBack) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  host_root root(t.path());
  write_irq_affinity(root, 125, cpu_set::parse_list("4-5,12"));
  EXPECT_EQ(t.read("/proc/irq/125/smp_affinity_list"), "4-5,12");
  EXPECT_EQ(read_irq_affinity(root, 125).affinity.to_list(), "4-5,12");
  EXPECT_THROW(write_irq_affinity(root, 9999, cpu_set{1}), os_error);
}

TEST(Readers, NodeListedWithoutSummaryFiles) {
  // A minimal tree: no has_cpu/has_memory/online files, node dirs only.
  temp_tree t;
  t.write("/sys/devices/system/cpu/online", "0-1\n");
  t.write("/sys/devices/system/node/node0/cpulist", "0-1\n");
  t.write("/sys/devices/system/node/node0/distance", "10\n");
  t.write("/sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 1024 kB\n");
  host_root root(t.path());
  auto cpus = read_cpus(root);
  EXPECT_EQ(cpus.find(1)->node, 0);
  auto numa = read_numa(root, cpus);
  EXPECT_EQ(numa.online.to_list(), "0");
  EXPECT_TRUE(numa.find(0)->has_cpu);
  EXPECT_TRUE(numa.find(0)->has_memory);
}

TEST(Readers, NumaChecksCatchBadMatrices) {
  temp_tree t;
  t.write("/sys/devices/system/cpu/online", "0-3\n");
  t.write("/sys/devices/system/node/online", "0-1\n");
  t.write("/sys/devices/system/node/node0/cpulist", "0-2\n");
  t.write("/sys/devices/system/node/node0/distance", "11 21\n");
  t.write("/sys/devices/system/node/node1/cpulist", "2\n");
  t.write("/sys/devices/system/node/node1/distance", "20 10 30\n");
  host_root root(t.path());
  auto cpus = read_cpus(root);
  auto problems = check_numa(read_numa(root, cpus), cpus);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_NE(all.find("not square"), std::string::npos) << all;
  EXPECT_NE(all.find("diagonal must be 10"), std::string::npos) << all;
  EXPECT_NE(all.find("not symmetric"), std::string::npos) << all;
  EXPECT_NE(all.find("CPU 2 is in 2 nodes"), std::string::npos) << all;
  EXPECT_NE(all.find("CPU 3 is in 0 nodes"), std::string::npos) << all;
  t.write("/sys/devices/system/node/node1/distance", "20 ten\n");
  EXPECT_THROW(read_numa(root, cpus), parse_error);
}

}  // namespace
}  // namespace xdpkit::topology
