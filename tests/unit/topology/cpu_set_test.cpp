// SPDX-License-Identifier: Apache-2.0
// cpu_set: both kernel formats, round trips, algebra, and the limits.
#include <gtest/gtest.h>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {
namespace {

TEST(CpuSet, ParsesKernelListFormat) {
  auto s = cpu_set::parse_list("0-3,8,10-11\n");
  EXPECT_EQ(s.ids(), (std::vector<unsigned>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(s.count(), 7u);
  EXPECT_EQ(s.to_list(), "0-3,8,10-11");
}

TEST(CpuSet, EmptyTextIsEmptySet) {
  EXPECT_TRUE(cpu_set::parse_list("").empty());
  EXPECT_TRUE(cpu_set::parse_list("\n").empty());
  EXPECT_EQ(cpu_set{}.to_list(), "");
  EXPECT_EQ(cpu_set{}.to_mask(), "00000000");
}

TEST(CpuSet, ParsesStrideGroups) {
  // bitmap_parselist: "0-15:2/4" = 2 of every 4 starting at 0.
  EXPECT_EQ(cpu_set::parse_list("0-15:2/4").to_list(), "0-1,4-5,8-9,12-13");
  EXPECT_EQ(cpu_set::parse_list("1-9:1/2").to_list(), "1,3,5,7,9");
}

TEST(CpuSet, RejectsMalformedLists) {
  for (const char* bad : {"3-1", "1,,2", ",1", "1,", "x", "1-", "-1", "1-2-3", "0-15:0/4", "0-15:5/4", "0-3:2",
                          "5:1/2", " 1 2", "+1", "70000", "0-70000", "1 ,2"}) {
    EXPECT_THROW(cpu_set::parse_list(bad, "test"), parse_error) << bad;
  }
}

TEST(CpuSet, ParseErrorNamesSourceAndText) {
  try {
    cpu_set::parse_list("3-1", "/sys/devices/system/cpu/online");
    FAIL() << "no throw";
  } catch (const parse_error& e) {
    std::string w = e.what();
    EXPECT_NE(w.find("/sys/devices/system/cpu/online"), std::string::npos) << w;
    EXPECT_NE(w.find("descending"), std::string::npos) << w;
  }
}

TEST(CpuSet, ParsesMaskFormat) {
  EXPECT_EQ(cpu_set::parse_mask("f\n").to_list(), "0-3");
  EXPECT_EQ(cpu_set::parse_mask("00000000,00000101").to_list(), "0,8");
  EXPECT_EQ(cpu_set::parse_mask("80000000,00000001").to_list(), "0,63");
  EXPECT_EQ(cpu_set::parse_mask("1,00000000,00000000").to_list(), "64");
  EXPECT_EQ(cpu_set::parse_mask("0x3").to_list(), "0-1");
  EXPECT_TRUE(cpu_set::parse_mask("00000000").empty());
}

TEST(CpuSet, RejectsMalformedMasks) {
  for (const char* bad : {"", ",", "1,", ",1", "g", "123456789", "ff,,ff", "0x", "-1", "1 2"}) {
    EXPECT_THROW(cpu_set::parse_mask(bad, "test"), parse_error) << bad;
  }
}

TEST(CpuSet, PrintsMaskPaddedLikeTheKernel) {
  cpu_set s{0, 8, 63};
  EXPECT_EQ(s.to_mask(), "80000000,00000101");
  EXPECT_EQ(s.to_mask(96), "00000000,80000000,00000101");
  EXPECT_EQ(cpu_set{1}.to_mask(8), "00000002");
}

TEST(CpuSet, MaskOf4096CpusRoundTrips) {
  cpu_set s = cpu_set::range(0, 4095);
  std::string m = s.to_mask();
  EXPECT_EQ(m.size(), 128u * 9 - 1);  // 128 words of 8 digits and 127 commas
  EXPECT_EQ(cpu_set::parse_mask(m), s);
  EXPECT_EQ(cpu_set::parse_list(s.to_list()), s);
  EXPECT_EQ(s.to_list(), "0-4095");
  cpu_set top{4095};
  std::string tm = top.to_mask(4096);
  EXPECT_EQ(tm.substr(0, 9), "80000000,");
  EXPECT_EQ(cpu_set::parse_mask(tm), top);
}

TEST(CpuSet, MaskAboveLimitIsRefused) {
  // 2049 words: CPU ids up to 65567, above max_id.
  std::string m = "1";
  for (int i = 0; i < 2048; ++i) m += ",00000000";
  EXPECT_THROW(cpu_set::parse_mask(m), parse_error);
  // Leading zero words beyond the limit are harmless.
  std::string z = "0";
  for (int i = 0; i < 2100; ++i) z += ",00000000";
  z += ",00000001";
  EXPECT_EQ(cpu_set::parse_mask(z).to_list(), "0");
}

TEST(CpuSet, Algebra) {
  auto a = cpu_set::parse_list("0-7");
  auto b = cpu_set::parse_list("4-11");
  EXPECT_EQ((a | b).to_list(), "0-11");
  EXPECT_EQ((a & b).to_list(), "4-7");
  EXPECT_EQ((a - b).to_list(), "0-3");
  EXPECT_EQ((a ^ b).to_list(), "0-3,8-11");
  EXPECT_TRUE((a & b).is_subset_of(a));
  EXPECT_FALSE(a.is_subset_of(b));
  EXPECT_TRUE(a.intersects(b));
  EXPECT_FALSE(cpu_set::parse_list("0-3").intersects(cpu_set::parse_list("64-70")));
  EXPECT_TRUE(cpu_set{}.is_subset_of(a));
  // Difference down to nothing compares equal to a fresh empty set.
  EXPECT_EQ(cpu_set{100} - cpu_set{100}, cpu_set{});
}

TEST(CpuSet, NavigationAndIteration) {
  cpu_set s{3, 64, 130};
  EXPECT_EQ(s.first(), 3u);
  EXPECT_EQ(s.last(), 130u);
  EXPECT_EQ(s.next(3), 64u);
  EXPECT_EQ(s.next(64), 130u);
  EXPECT_EQ(s.next(130), std::nullopt);
  std::vector<unsigned> seen(s.begin(), s.end());
  EXPECT_EQ(seen, (std::vector<unsigned>{3, 64, 130}));
  s.remove(130);
  EXPECT_EQ(s.last(), 64u);
  EXPECT_FALSE(s.contains(130));
  EXPECT_EQ(cpu_set{}.first(), std::nullopt);
}

TEST(CpuSet, LimitsAreEnforced) {
  EXPECT_THROW(cpu_set{}.add(cpu_set::max_id + 1), std::out_of_range);
  EXPECT_THROW(cpu_set::range(5, 4), std::invalid_argument);
  EXPECT_NO_THROW(cpu_set{}.add(cpu_set::max_id));
}

}  // namespace
}  // namespace xdpkit::topology
