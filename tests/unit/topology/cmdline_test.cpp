// SPDX-License-Identifier: Apache-2.0
// The kernel command line: isolation lists with flags, huge-page sizes, quoting.
#include <gtest/gtest.h>

#include "xdpkit/topology/cmdline.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {
namespace {

TEST(Cmdline, IsolationParameters) {
  auto c = parse_cmdline(
      "BOOT_IMAGE=/vmlinuz root=UUID=1 ro quiet isolcpus=managed_irq,domain,2-5 nohz_full=2-5 rcu_nocbs=2-7 "
      "irqaffinity=0-1 numa_balancing=disable\n");
  ASSERT_TRUE(c.isolcpus);
  EXPECT_EQ(c.isolcpus->cpus.to_list(), "2-5");
  EXPECT_EQ(c.isolcpus->flags, (std::vector<std::string>{"managed_irq", "domain"}));
  EXPECT_TRUE(c.isolcpus->has_flag("managed_irq"));
  EXPECT_FALSE(c.isolcpus->has_flag("nohz"));
  EXPECT_EQ(c.nohz_full->to_list(), "2-5");
  EXPECT_EQ(c.rcu_nocbs->to_list(), "2-7");
  EXPECT_EQ(c.irqaffinity->to_list(), "0-1");
  EXPECT_EQ(c.numa_balancing, "disable");
  EXPECT_TRUE(c.has("quiet"));
  EXPECT_EQ(c.value("quiet"), std::nullopt);
  EXPECT_EQ(c.value("root"), "UUID=1");
}

TEST(Cmdline, IsolcpusWithoutFlagsAndBareRcuNocbs) {
  auto c = parse_cmdline("isolcpus=1,3 rcu_nocbs");
  EXPECT_EQ(c.isolcpus->cpus.to_list(), "1,3");
  EXPECT_TRUE(c.isolcpus->flags.empty());
  ASSERT_TRUE(c.rcu_nocbs);
  EXPECT_TRUE(c.rcu_nocbs->empty());
  EXPECT_FALSE(c.nohz_full);
}

// A bare word is not the parameter (the kernel hands it to init): it must
// neither hide the assignment before it nor leave value() empty while the
// setting is there (issue 12: validate aborted with a double free).
TEST(Cmdline, ABareIsolcpusAfterAnAssignmentKeepsTheAssignment) {
  auto c = parse_cmdline("isolcpus=managed_irq,domain,2-3,5-7,9-11 quiet isolcpus");
  ASSERT_TRUE(c.isolcpus);
  EXPECT_EQ(c.isolcpus->text, "managed_irq,domain,2-3,5-7,9-11");
  EXPECT_EQ(c.value("isolcpus"), "managed_irq,domain,2-3,5-7,9-11");
  EXPECT_TRUE(c.has("isolcpus"));
  auto bare_only = parse_cmdline("quiet isolcpus");
  EXPECT_FALSE(bare_only.isolcpus);
  EXPECT_EQ(bare_only.value("isolcpus"), std::nullopt);
  EXPECT_TRUE(bare_only.has("isolcpus"));
}

TEST(Cmdline, HugePagesFollowTheirSize) {
  auto c = parse_cmdline("default_hugepagesz=1G hugepagesz=1G hugepages=0:2,1:4 hugepagesz=2M hugepages=512 hugepages=8");
  EXPECT_EQ(c.default_hugepagesz_kb, 1048576u);
  ASSERT_EQ(c.hugepages.size(), 3u);
  EXPECT_EQ(c.hugepages[0].page_size_kb, 1048576u);
  EXPECT_EQ(c.hugepages[0].count, 6u);
  EXPECT_EQ(c.hugepages[0].per_node, (std::vector<std::pair<unsigned, std::uint64_t>>{{0, 2}, {1, 4}}));
  EXPECT_EQ(c.hugepages[1].page_size_kb, 2048u);
  EXPECT_EQ(c.hugepages[1].count, 512u);
  EXPECT_EQ(c.hugepages[2].page_size_kb, 2048u);  // still the last hugepagesz=
  auto d = parse_cmdline("hugepages=16");
  EXPECT_EQ(d.hugepages[0].page_size_kb, 2048u);
}

TEST(Cmdline, QuotesAndInitArguments) {
  auto c = parse_cmdline("a=\"x y\" isolcpus=1 -- nohz_full=3 init args");
  EXPECT_EQ(c.value("a"), "x y");
  EXPECT_FALSE(c.nohz_full) << "parameters after -- belong to init";
  EXPECT_FALSE(c.has("init"));
}

TEST(Cmdline, Sizes) {
  EXPECT_EQ(parse_size_kb("2M"), 2048u);
  EXPECT_EQ(parse_size_kb("1G"), 1048576u);
  EXPECT_EQ(parse_size_kb("4096K"), 4096u);
  EXPECT_EQ(parse_size_kb("2097152"), 2048u);
  EXPECT_EQ(parse_size_kb("G"), std::nullopt);
  EXPECT_EQ(parse_size_kb("12"), std::nullopt);
  EXPECT_EQ(parse_size_kb("99999999999999999999G"), std::nullopt);
  EXPECT_EQ(parse_size_kb("16777216T"), std::nullopt);  // overflows 64 bits
}

TEST(Cmdline, MalformedValuesWeInterpretThrow) {
  EXPECT_THROW(parse_cmdline("isolcpus=domain,2-1", "/proc/cmdline"), parse_error);
  EXPECT_THROW(parse_cmdline("isolcpus=bogus,2"), parse_error);
  EXPECT_THROW(parse_cmdline("nohz_full=x"), parse_error);
  EXPECT_THROW(parse_cmdline("hugepagesz=G"), parse_error);
  EXPECT_THROW(parse_cmdline("hugepages=lots"), parse_error);
  EXPECT_THROW(parse_cmdline("hugepages=0:2,1"), parse_error);
  EXPECT_NO_THROW(parse_cmdline("unknown=whatever foo= =bar"));
}

}  // namespace
}  // namespace xdpkit::topology
