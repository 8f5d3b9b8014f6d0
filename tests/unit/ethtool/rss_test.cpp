// SPDX-License-Identifier: Apache-2.0
// RSS indirection table, key and hash fields against a scripted kernel; the
// spread helpers against tables ethtool -X writes.
#include <gtest/gtest.h>
#include <linux/ethtool.h>

#include "kernel_script.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"
#include "xdpkit/ethtool/rss.hpp"

namespace xdpkit::ethtool {
namespace {

using testing::bytes;
using testing::expect_get_rss;
using testing::scripted_transport;
using testing::to_bytes;
using testing::with_tail;
using testing::zeroed;

void expect_rx_rings(scripted_transport& io, const std::string& ifname, std::uint64_t n) {
  auto req = zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_GRXRINGS;
  auto rep = req;
  rep.data = n;
  io.expect(ifname, req, rep);
}

TEST(Rss, GetReadsSizesThenTableAndKey) {
  scripted_transport io;
  expect_rx_rings(io, "eth0", 2);
  auto size_req = zeroed<ethtool_rxfh>();
  size_req.cmd = ETHTOOL_GRSSH;
  auto size_rep = size_req;
  size_rep.indir_size = 4;
  size_rep.key_size = 3;
  size_rep.hfunc = 1;
  io.expect("eth0", size_req, size_rep);

  auto data_req = size_req;
  data_req.indir_size = 4;
  data_req.key_size = 3;
  bytes req = with_tail(data_req, std::vector<std::uint32_t>{0, 0, 0, 0});
  req.resize(req.size() + 3);  // 4 entries, then 3 key bytes
  bytes rep = with_tail(size_rep, std::vector<std::uint32_t>{0, 1, 0, 1});
  for (auto b : {0xaa, 0xbb, 0xcc}) rep.push_back(std::byte(b));
  io.expect_ioctl("eth0", req, rep);

  const auto rss = get_rss(device(io, "eth0")).value();
  EXPECT_EQ(rss.rx_rings, 2u);
  EXPECT_EQ(rss.table, (std::vector<std::uint32_t>{0, 1, 0, 1}));
  EXPECT_EQ(rss.key, (std::vector<std::uint8_t>{0xaa, 0xbb, 0xcc}));
  EXPECT_EQ(hfunc_name(rss.hfunc), "toeplitz");
  EXPECT_FALSE(rss.legacy_api);
  EXPECT_TRUE(is_default_spread(rss.table, rss.rx_rings));
}

TEST(Rss, FallsBackToRxfhIndirAndReportsNoTableAsUnsupported) {
  scripted_transport io;
  expect_rx_rings(io, "eth0", 4);
  auto rssh = zeroed<ethtool_rxfh>();
  rssh.cmd = ETHTOOL_GRSSH;
  io.expect_fail("eth0", rssh, EOPNOTSUPP);
  ethtool_rxfh_indir indir{ETHTOOL_GRXFHINDIR, 0};
  ethtool_rxfh_indir indir_rep{ETHTOOL_GRXFHINDIR, 2};
  io.expect("eth0", indir, indir_rep);
  io.expect_ioctl("eth0", with_tail(indir_rep, std::vector<std::uint32_t>{0, 0}),
                  with_tail(indir_rep, std::vector<std::uint32_t>{3, 1}));
  const auto rss = get_rss(device(io, "eth0")).value();
  EXPECT_TRUE(rss.legacy_api);
  EXPECT_EQ(rss.table, (std::vector<std::uint32_t>{3, 1}));
  EXPECT_TRUE(rss.key.empty());

  // veth: neither call exists.
  auto rings = zeroed<ethtool_rxnfc>();
  rings.cmd = ETHTOOL_GRXRINGS;
  io.expect_fail("veth0", rings, EOPNOTSUPP);
  io.expect_fail("veth0", rssh, EOPNOTSUPP);
  io.expect_fail("veth0", indir, EOPNOTSUPP);
  const auto none = get_rss(device(io, "veth0"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.refused().message(),
            "ETHTOOL_GRXFHINDIR on veth0: Operation not supported — the driver has no RSS indirection table");
}

TEST(Rss, SetSendsTableWithoutTouchingKeyOrHash) {
  scripted_transport io;
  auto h = zeroed<ethtool_rxfh>();
  h.cmd = ETHTOOL_SRSSH;
  h.indir_size = 4;
  const std::vector<std::uint32_t> table{0, 1, 1, 0};
  io.expect_ioctl("eth0", with_tail(h, table), {});
  EXPECT_TRUE(set_rss_table(device(io, "eth0"), table).ok());

  // Empty table: back to the default (indir_size 0); the legacy call after EOPNOTSUPP.
  auto reset = zeroed<ethtool_rxfh>();
  reset.cmd = ETHTOOL_SRSSH;
  io.expect_fail("eth0", reset, EOPNOTSUPP);
  ethtool_rxfh_indir legacy{ETHTOOL_SRXFHINDIR, 0};
  io.expect_ioctl("eth0", to_bytes(legacy), {});
  EXPECT_TRUE(set_rss_table(device(io, "eth0"), {}).ok());

  // A queue beyond rx_rings: EINVAL, an answer with advice.
  io.expect_ioctl("eth0", with_tail(h, std::vector<std::uint32_t>{0, 9, 0, 9}), {}, -EINVAL);
  const auto bad = set_rss_table(device(io, "eth0"), std::vector<std::uint32_t>{0, 9, 0, 9});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.refused().err, EINVAL);
  EXPECT_NE(bad.refused().message().find("name only existing rx queues"), std::string::npos);
}

TEST(Rss, RewriteWritesTheSameTableBackAndTheDefaultAsDefault) {
  scripted_transport io;
  const device dev(io, "eth0");
  // The default spread goes back as "default" (indir_size 0), so the kernel
  // does not start treating it as a table a user chose.
  expect_get_rss(io, 2, {0, 1, 0, 1});
  auto reset = zeroed<ethtool_rxfh>();
  reset.cmd = ETHTOOL_SRSSH;
  io.expect_ioctl("eth0", to_bytes(reset), {});
  EXPECT_TRUE(rewrite_rss_table(dev));

  // Anything else goes back entry for entry.
  const std::vector<std::uint32_t> mine{1, 1, 0, 1};
  expect_get_rss(io, 2, mine);
  auto h = zeroed<ethtool_rxfh>();
  h.cmd = ETHTOOL_SRSSH;
  h.indir_size = 4;
  io.expect_ioctl("eth0", with_tail(h, mine), {});
  EXPECT_TRUE(rewrite_rss_table(dev));
  EXPECT_TRUE(io.finished());

  EXPECT_TRUE(rss_lost_on_xdp_change("virtio_net"));
  EXPECT_FALSE(rss_lost_on_xdp_change("igb"));
  EXPECT_FALSE(rss_lost_on_xdp_change("veth"));
}

TEST(Rss, SetKeySendsOnlyTheKeyAndKeepsTheTable) {
  scripted_transport io;
  const std::vector<std::uint8_t> key{0x6d, 0x5a, 0x56, 0xda, 0x25};
  // The bytes as the kernel reads them: cmd, rss_context 0, indir_size
  // ETH_RXFH_INDIR_NO_CHANGE, key_size 5, hfunc 0 (no change), reserved, then
  // the key right after the 24-byte header.
  bytes want = {};
  for (int b : {0x47, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
    want.push_back(std::byte(b));
  for (auto b : key) want.push_back(std::byte(b));
  static_assert(ETHTOOL_SRSSH == 0x47 && sizeof(ethtool_rxfh) == 24);
  io.expect_ioctl("eth0", want, {});
  EXPECT_TRUE(set_rss_key(device(io, "eth0"), key).ok());

  // Refusals are answers: no key control, or not the driver's key size.
  io.expect_ioctl("eth0", want, {}, -EOPNOTSUPP);
  const auto none = set_rss_key(device(io, "eth0"), key);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.refused().message(),
            "ETHTOOL_SRSSH on eth0: Operation not supported — the driver has no RSS hash key control");
  io.expect_ioctl("eth0", want, {}, -EINVAL);
  const auto size = set_rss_key(device(io, "eth0"), key);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.refused().message(),
            "ETHTOOL_SRSSH on eth0: Invalid argument — a 5-byte key is not the driver's key size (see `xdpkit probe "
            "eth0`)");
  io.expect_ioctl("eth0", want, {}, -EPERM);
  EXPECT_THROW((void)set_rss_key(device(io, "eth0"), key), os_error);
}

TEST(Rss, KeyTextIsEthtoolsHkey) {
  EXPECT_EQ(parse_rss_key("6d:5a:56:DA:0:f"), (std::vector<std::uint8_t>{0x6d, 0x5a, 0x56, 0xda, 0x00, 0x0f}));
  EXPECT_EQ(format_rss_key(parse_rss_key("6d:5a:56:DA:0:f")), "6d:5a:56:da:00:0f");
  EXPECT_EQ(format_rss_key(std::vector<std::uint8_t>{}), "");
  for (const char* bad : {"", "6d:", ":6d", "6d::5a", "6dd", "6g", "6d 5a", "-1"})
    EXPECT_THROW(parse_rss_key(bad), std::invalid_argument) << bad;
  try {
    parse_rss_key("6d:zz:5a");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "bad byte 'zz' (number 2) in RSS key '6d:zz:5a' (expected hex bytes such as 6d:5a:56:da)");
  }
}

TEST(Rss, SpreadsMatchEthtool) {
  EXPECT_EQ(spread_equal(8, 3), (std::vector<std::uint32_t>{0, 1, 2, 0, 1, 2, 0, 1}));
  // ethtool -X eth0 weight 1 1 0 0 on an 8-entry table.
  const std::vector<std::uint32_t> w1{1, 1, 0, 0};
  EXPECT_EQ(spread_weight(8, w1), (std::vector<std::uint32_t>{0, 0, 0, 0, 1, 1, 1, 1}));
  // weight 0 2 1: queue 0 gets nothing, queue 1 two thirds.
  const std::vector<std::uint32_t> w2{0, 2, 1};
  EXPECT_EQ(spread_weight(6, w2), (std::vector<std::uint32_t>{1, 1, 1, 1, 2, 2}));
  // weight 6 2 over 128 entries: 96 to queue 0, 32 to queue 1.
  const std::vector<std::uint32_t> w3{6, 2};
  const auto t = spread_weight(128, w3);
  EXPECT_EQ(std::count(t.begin(), t.end(), 0u), 96);
  EXPECT_EQ(std::count(t.begin(), t.end(), 1u), 32);
  EXPECT_THROW(spread_equal(8, 0), std::invalid_argument);
  const std::vector<std::uint32_t> zero{0, 0};
  EXPECT_THROW(spread_weight(8, zero), std::invalid_argument);
  EXPECT_FALSE(is_default_spread(std::vector<std::uint32_t>{0, 0, 1, 1}, 2));
}

TEST(Rss, RequestParsing) {
  EXPECT_EQ(table_for(parse_rss_request("equal 2"), 4), (std::vector<std::uint32_t>{0, 1, 0, 1}));
  EXPECT_EQ(table_for(parse_rss_request("weight 1 0 1"), 4), (std::vector<std::uint32_t>{0, 0, 2, 2}));
  EXPECT_TRUE(table_for(parse_rss_request("default"), 4).empty());
  EXPECT_THROW(parse_rss_request("equal"), std::invalid_argument);
  EXPECT_THROW(parse_rss_request("equal 0"), std::invalid_argument);
  EXPECT_THROW(parse_rss_request("equal 2 3"), std::invalid_argument);
  EXPECT_THROW(parse_rss_request("weight 0 0"), std::invalid_argument);
  EXPECT_THROW(parse_rss_request("weight 1 -1"), std::invalid_argument);
  EXPECT_THROW(parse_rss_request("spread 4"), std::invalid_argument);
}

TEST(HashFields, GetSetAndLetters) {
  scripted_transport io;
  auto get = zeroed<ethtool_rxnfc>();
  get.cmd = ETHTOOL_GRXFH;
  get.flow_type = UDP_V4_FLOW;
  auto rep = get;
  rep.data = RXH_IP_SRC | RXH_IP_DST;
  io.expect("eth0", get, rep);
  const device dev(io, "eth0");
  EXPECT_EQ(fields_to_letters(get_hash_fields(dev, UDP_V4_FLOW).value()), "sd");

  const auto req = parse_hash_request("udp4=sdfn");
  auto set = zeroed<ethtool_rxnfc>();
  set.cmd = ETHTOOL_SRXFH;
  set.flow_type = UDP_V4_FLOW;
  set.data = RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3;
  io.expect("eth0", set, set);
  EXPECT_TRUE(set_hash_fields(dev, req.flow_type, req.fields).ok());

  io.expect_fail("eth0", set, EOPNOTSUPP);
  const auto r = set_hash_fields(dev, req.flow_type, req.fields);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refused().message(),
            "ETHTOOL_SRXFH on eth0: Operation not supported — the driver has no RSS hash-field control");

  EXPECT_EQ(fields_to_letters(letters_to_fields("mvtsdfnr")), "mvtsdfnr");
  EXPECT_EQ(letters_to_fields("r"), 0x80000000u);
  EXPECT_THROW(letters_to_fields("sx"), std::invalid_argument);
  EXPECT_THROW(parse_hash_request("udp9=sd"), std::invalid_argument);
  EXPECT_THROW(parse_hash_request("udp4"), std::invalid_argument);
  EXPECT_EQ(*hash_flow_type("esp4"), static_cast<std::uint32_t>(AH_ESP_V4_FLOW));
}

}  // namespace
}  // namespace xdpkit::ethtool
