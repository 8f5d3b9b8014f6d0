// SPDX-License-Identifier: Apache-2.0
// Per-queue IRQs, RPS/XPS and NAPI knobs read from captured sysfs/procfs trees
// (tests/fixtures), and the IRQ-name classifier over names real drivers use.
#include <gtest/gtest.h>

#include "xdpkit/ethtool/queues.hpp"

namespace xdpkit::ethtool {
namespace {

TEST(ClassifyIrq, NamesRealDriversUse) {
  const struct {
    const char* name;
    int queue;
    const char* direction;
  } cases[] = {
      {"ice-eth2-TxRx-3", 3, "rx+tx"},     {"eth0-TxRx-11", 11, "rx+tx"},
      {"eth0-rx-2", 2, "rx"},              {"eth0-tx-2", 2, "tx"},
      {"virtio0-input.1", 1, "rx"},        {"virtio0-output.1", 1, "tx"},
      {"mlx5_comp3@pci:0000:08:00.0", 3, "rx+tx"}, {"ens1f0-3", 3, "rx+tx"},
      {"eth3-fp-5", 5, "rx+tx"},           {"virtio0-config", -1, ""},
      {"ice-0000:81:00.0:misc", -1, ""},   {"eth0", -1, ""},
      {"mlx5_async17@pci:0000:08:00.0", -1, ""}, {"", -1, ""},
  };
  for (const auto& c : cases) {
    const auto r = classify_irq(c.name);
    EXPECT_EQ(r.queue, c.queue) << c.name;
    EXPECT_EQ(r.direction, c.direction) << c.name;
  }
}

TEST(ReadQueues, IceNicOnNodeOne) {
  const topology::host_root root(std::string(XDPKIT_FIXTURES_DIR) + "/two-socket-ht/root");
  const auto q = read_queues(root, "eth2");
  EXPECT_EQ(q.nic.numa_node(), 1);
  ASSERT_TRUE(q.nic.pci.has_value());
  EXPECT_EQ(q.nic.pci->local_cpus.to_list(), "4-7,12-15");
  ASSERT_EQ(q.irqs.size(), 17u);  // misc + 16 queue vectors
  EXPECT_EQ(q.irqs[0].role.queue, -1);
  EXPECT_EQ(q.irqs[1].name, "ice-eth2-TxRx-0");
  EXPECT_EQ(q.irqs[1].role.queue, 0);
  EXPECT_EQ(q.irqs[16].role.queue, 15);
  ASSERT_TRUE(q.irqs[1].affinity.has_value());
  EXPECT_EQ(q.rx.size(), 16u);
  EXPECT_EQ(q.tx.size(), 16u);
  EXPECT_EQ(q.rx[10].index, 10u);  // numeric order, not "rx-10" < "rx-2"
  EXPECT_TRUE(q.rx[0].rps_cpus.has_value());
}

TEST(ReadQueues, VethWithoutIrqsAndMissingInterface) {
  const topology::host_root root(std::string(XDPKIT_FIXTURES_DIR) + "/no-numa/root");
  const auto q = read_queues(root, "veth0");
  EXPECT_TRUE(q.nic.is_virtual);
  EXPECT_TRUE(q.irqs.empty());
  EXPECT_EQ(q.nic.numa_node(), -1);
  EXPECT_ANY_THROW(read_queues(root, "nosuch0"));
}

}  // namespace
}  // namespace xdpkit::ethtool
