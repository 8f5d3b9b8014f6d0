// SPDX-License-Identifier: Apache-2.0
// Features by name, statistics and XDP features against a scripted kernel.
#include <gtest/gtest.h>
#include <linux/ethtool.h>

#include <cstring>

#include "nlattr.hpp"
#include "kernel_script.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/ethtool/features.hpp"
#include "xdpkit/ethtool/qstats.hpp"
#include "xdpkit/ethtool/stats.hpp"
#include "xdpkit/ethtool/xdp.hpp"

namespace xdpkit::ethtool {
namespace {

using testing::bytes;
using testing::scripted_transport;
using testing::to_bytes;
using testing::with_tail;
using testing::zeroed;
using testing::expect_gfeatures;
using testing::expect_strings;

// 33 names so the features span two 32-bit blocks; index 32 is rx-ntuple-filter.
std::vector<std::string> feature_names() {
  std::vector<std::string> n;
  for (int i = 0; i < 32; ++i) n.push_back("f" + std::to_string(i));
  n.push_back("rx-ntuple-filter");
  return n;
}

TEST(Features, GetDecodesBlocks) {
  scripted_transport io;
  expect_strings(io, ETH_SS_FEATURES, feature_names());
  expect_gfeatures(io, {0b11, 0b01, 0b01, 0b10}, {1, 0, 0, 0});
  const auto f = get_features(device(io, "eth0")).value();
  ASSERT_EQ(f.size(), 33u);
  EXPECT_EQ(f[0], (feature{"f0", true, true, true}));
  EXPECT_EQ(f[1], (feature{"f1", false, false, false}));  // never changed: fixed
  EXPECT_EQ(f[32], (feature{"rx-ntuple-filter", false, false, true}));
}

TEST(Features, SetByNameMarksOnlyThatBit) {
  scripted_transport io;
  expect_strings(io, ETH_SS_FEATURES, feature_names());
  expect_gfeatures(io, {}, {1, 0, 0, 0});
  auto s = zeroed<ethtool_sfeatures>();
  s.cmd = ETHTOOL_SFEATURES;
  s.size = 2;
  io.expect_ioctl("eth0", with_tail(s, std::vector<ethtool_set_features_block>{{0, 0}, {1, 1}}), {}, 0);
  EXPECT_TRUE(set_feature(device(io, "eth0"), "rx-ntuple-filter", true).ok());

  // The kernel keeps the wish but not the state.
  expect_strings(io, ETH_SS_FEATURES, feature_names());
  expect_gfeatures(io, {}, {1, 0, 0, 0});
  io.expect_ioctl("eth0", with_tail(s, std::vector<ethtool_set_features_block>{{0, 0}, {1, 1}}), {},
                  ETHTOOL_F_WISH);
  const auto wish = set_feature(device(io, "eth0"), "rx-ntuple-filter", true);
  ASSERT_FALSE(wish.ok());
  EXPECT_NE(wish.refused().message().find("kept the old state"), std::string::npos);

  // Fixed and unknown features are refused without an SFEATURES call.
  expect_strings(io, ETH_SS_FEATURES, feature_names());
  expect_gfeatures(io, {}, {0, 0, 0, 0});
  const auto fixed = set_feature(device(io, "eth0"), "rx-ntuple-filter", true);
  ASSERT_FALSE(fixed.ok());
  EXPECT_EQ(fixed.refused().message(),
            "ETHTOOL_SFEATURES rx-ntuple-filter on eth0: Operation not supported — the feature is fixed for this device");
  expect_strings(io, ETH_SS_FEATURES, feature_names());
  expect_gfeatures(io, {}, {});
  EXPECT_FALSE(set_feature(device(io, "eth0"), "no-such-feature", true).ok());
}

TEST(Stats, NamesAndValues) {
  scripted_transport io;
  expect_strings(io, ETH_SS_STATS, {"peer_ifindex", "rx_queue_0_xdp_packets"});
  auto st = zeroed<ethtool_stats>();
  st.cmd = ETHTOOL_GSTATS;
  st.n_stats = 2;
  io.expect_ioctl("eth0", with_tail(st, std::vector<std::uint64_t>{0, 0}),
                  with_tail(st, std::vector<std::uint64_t>{7, 12345678901ULL}));
  const auto s = get_stats(device(io, "eth0")).value();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], (std::pair<std::string, std::uint64_t>{"peer_ifindex", 7}));
  EXPECT_EQ(s[1].second, 12345678901ULL);
}

TEST(Stats, MissingStringSetIsNotSupported) {
  scripted_transport io;
  auto info = zeroed<ethtool_sset_info>();
  info.cmd = ETHTOOL_GSSET_INFO;
  info.sset_mask = std::uint64_t{1} << ETH_SS_STATS;
  auto rep = info;
  rep.sset_mask = 0;  // the kernel clears the bits of absent sets
  io.expect_ioctl("eth0", with_tail(info, std::vector<std::uint32_t>{0}), with_tail(rep, std::vector<std::uint32_t>{0}));
  const auto s = get_stats(device(io, "eth0"));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.refused().not_supported());
}

bytes netdev_request_attrs(std::uint32_t ifindex) {
  // struct nlattr {u16 len = 8; u16 type = NETDEV_A_DEV_IFINDEX (1)} + u32.
  bytes b(8);
  const std::uint16_t len = 8, type = 1;
  std::memcpy(b.data(), &len, 2);
  std::memcpy(b.data() + 2, &type, 2);
  std::memcpy(b.data() + 4, &ifindex, 4);
  return b;
}

TEST(Xdp, DevGetRequestAndFeatures) {
  scripted_transport io;
  io.set_ifindex("eth0", 7);
  genl_request want{"netdev", 1, 1, false, netdev_request_attrs(7)};
  auto reply = detail::nlattr_writer{}.u32(1, 7).u64(3, 0x6f).u32(4, 1).take();
  io.expect_genl(want, {reply});
  const auto x = get_xdp_features(device(io, "eth0")).value();
  EXPECT_EQ(x.flags, 0x6fu);
  EXPECT_TRUE(x.has(xdp_xsk_zerocopy));
  EXPECT_FALSE(x.has(xdp_hw_offload));
  EXPECT_EQ(x.zc_max_segs, 1u);
  EXPECT_EQ(xdp_feature_names(x.flags),
            (std::vector<std::string>{"basic", "redirect", "ndo-xmit", "xsk-zerocopy", "rx-sg", "ndo-xmit-sg"}));
}

TEST(Xdp, OldKernelIsNotSupportedMissingDeviceThrows) {
  scripted_transport io;
  io.set_ifindex("eth0", 7);
  io.expect_genl(genl_request{"netdev", 1, 1, false, netdev_request_attrs(7)}, {}, -ENOENT);
  const auto x = get_xdp_features(device(io, "eth0"));
  ASSERT_FALSE(x.ok());
  EXPECT_NE(x.refused().message().find("needs Linux 6.3"), std::string::npos);
  EXPECT_THROW((void)get_xdp_features(device(io, "nosuch0")), os_error);
}

TEST(QueueCounters, DumpRequestAndPerQueueAnswers) {
  scripted_transport io;
  io.set_ifindex("eth0", 7);
  // A dump of scope "queue" (4 = 1) for ifindex 7.
  genl_request want{"netdev", 12, 1, true, detail::nlattr_writer{}.u32(1, 7).u32(4, 1).take()};
  // The kernel's "uint" attributes: 4 bytes when the value fits, 8 when not.
  auto rx1 = detail::nlattr_writer{}.u32(1, 7).u32(2, 0).u32(3, 1).u64(8, 5'000'000'000).u32(9, 640).take();
  auto rx0 = detail::nlattr_writer{}.u32(1, 7).u32(2, 0).u32(3, 0).u32(8, 12).u32(9, 888).take();
  auto tx0 = detail::nlattr_writer{}.u32(1, 7).u32(2, 1).u32(3, 0).u32(10, 3).take();  // no tx bytes
  io.expect_genl(want, {tx0, rx1, rx0});
  const auto q = get_queue_counters(device(io, "eth0")).value();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], (queue_counters{true, 0, 12, 888}));
  EXPECT_EQ(q[1], (queue_counters{true, 1, 5'000'000'000, 640}));
  EXPECT_EQ(q[2], (queue_counters{false, 0, 3, std::nullopt}));
}

TEST(QueueCounters, RefusedOnOldKernelsAndSilentDrivers) {
  scripted_transport io;
  io.set_ifindex("eth0", 7);
  const genl_request want{"netdev", 12, 1, true, detail::nlattr_writer{}.u32(1, 7).u32(4, 1).take()};
  io.expect_genl(want, {}, -EOPNOTSUPP);  // 6.3 .. 6.9: the family, not the command
  auto old = get_queue_counters(device(io, "eth0"));
  ASSERT_FALSE(old.ok());
  EXPECT_NE(old.refused().message().find("needs Linux 6.10"), std::string::npos);
  io.expect_genl(want, {});  // a driver without per-queue stats: an empty dump
  auto none = get_queue_counters(device(io, "eth0"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.refused().message().find("reports no per-queue statistics"), std::string::npos);
  EXPECT_TRUE(io.finished());
}

TEST(NlAttr, MalformedStreamsFindNothing) {
  const auto good = detail::nlattr_writer{}.u32(1, 5).u64(3, 9).take();
  EXPECT_EQ(*detail::nlattr_u64(good, 3), 9u);
  bytes truncated(good.begin(), good.end() - 4);
  EXPECT_FALSE(detail::nlattr_u64(truncated, 3).has_value());
  bytes zero_len(8, std::byte{0});
  EXPECT_FALSE(detail::nlattr_u32(zero_len, 0).has_value());
  EXPECT_FALSE(detail::nlattr_u32({}, 1).has_value());
}

}  // namespace
}  // namespace xdpkit::ethtool
