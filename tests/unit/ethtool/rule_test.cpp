// SPDX-License-Identifier: Apache-2.0
// ethtool rule syntax: a table of real `ethtool -N` command lines, each
// parsed, encoded into the SRXCLSRLINS request, decoded from a GRXCLSRULE
// answer carrying those bytes, and printed: the text must come back as the
// canonical form. Plus the byte layout of a few rules and the syntax errors.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ethtool.h>

#include <cstring>

#include "rule_lines.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/ethtool/ntuple.hpp"
#include "xdpkit/ethtool/rule.hpp"

namespace xdpkit::ethtool {
namespace {

using testing::bytes;
using testing::scripted_transport;
using testing::zeroed;
using testing::kLines;
using testing::line;

class RuleLines : public ::testing::TestWithParam<line> {};

TEST_P(RuleLines, ParseEncodeDecodePrintGivesCanonicalText) {
  const line l = GetParam();
  const std::string canonical = l.canonical ? l.canonical : l.input;
  const flow_rule parsed = parse_rule(l.input);
  ASSERT_EQ(format_rule(parsed), canonical);
  ASSERT_EQ(parse_rule(canonical), parsed) << "canonical text parses to other bytes";

  // Encode: insert at an explicit location so the request is exactly one ioctl.
  scripted_transport io;
  flow_rule at = parsed;
  at.fs.location = 5;
  auto want = zeroed<ethtool_rxnfc>();
  want.cmd = ETHTOOL_SRXCLSRLINS;
  want.fs = at.fs;
  want.rss_context = at.rss_context;
  io.expect("eth0", want, want);
  const device dev(io, "eth0");
  ASSERT_EQ(insert_rule(dev, at).value(), 5u);

  // Decode: the kernel answers GRXCLSRULE with the stored spec.
  auto get = zeroed<ethtool_rxnfc>();
  get.cmd = ETHTOOL_GRXCLSRULE;
  get.fs.location = 5;
  auto rep = want;
  rep.cmd = ETHTOOL_GRXCLSRULE;
  io.expect("eth0", get, rep);
  flow_rule back = get_rule(dev, 5).value();
  EXPECT_EQ(back, at);
  back.fs.location = parsed.fs.location;
  EXPECT_EQ(format_rule(back), canonical);
}

INSTANTIATE_TEST_SUITE_P(EthtoolCommandLines, RuleLines, ::testing::ValuesIn(kLines));

TEST(Rule, BytesOfATcp4Rule) {
  const flow_rule r = parse_rule("flow-type tcp4 src-ip 192.0.2.1 m 0.0.0.255 dst-port 443 action 3 loc 9");
  auto want = zeroed<ethtool_rx_flow_spec>();
  want.flow_type = TCP_V4_FLOW;
  want.h_u.tcp_ip4_spec.ip4src = htonl(0xc0000200);  // 192.0.2.0: masked bits cleared
  want.m_u.tcp_ip4_spec.ip4src = htonl(0xffffff00);  // kernel mask: set = compare
  want.h_u.tcp_ip4_spec.pdst = htons(443);
  want.m_u.tcp_ip4_spec.pdst = 0xffff;
  want.ring_cookie = 3;
  want.location = 9;
  EXPECT_EQ(std::memcmp(&r.fs, &want, sizeof want), 0)
      << testing::hex({reinterpret_cast<const std::byte*>(&r.fs), sizeof r.fs});
}

TEST(Rule, ExtensionsContextVfAndDefaults) {
  const flow_rule r = parse_rule("flow-type udp4 vlan 100 dst-mac 02:00:00:00:00:01 vf 2 queue 1 context 3");
  EXPECT_EQ(r.fs.flow_type, static_cast<std::uint32_t>(UDP_V4_FLOW | FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS));
  EXPECT_EQ(r.fs.h_ext.vlan_tci, htons(100));
  EXPECT_EQ(r.fs.m_ext.vlan_tci, 0xffff);
  EXPECT_EQ(r.fs.h_ext.h_dest[5], 1);
  EXPECT_EQ(r.fs.ring_cookie, (std::uint64_t{3} << 32) | 1);  // VF n is stored as n + 1
  EXPECT_EQ(r.rss_context, 3u);
  EXPECT_EQ(r.fs.location, RX_CLS_LOC_ANY);
  EXPECT_EQ(parse_rule("flow-type udp4 action -1").fs.ring_cookie, RX_CLS_FLOW_DISC);
  EXPECT_EQ(parse_rule("flow-type ip4 action 1").fs.h_u.usr_ip4_spec.ip_ver, ETH_RX_NFC_IP4);
}

TEST(Rule, SyntaxErrorsNameTheWord) {
  const struct {
    const char* text;
    const char* says;
  } bad[] = {
      {"", "must start with 'flow-type"},
      {"dst-port 53 action 1", "must start with 'flow-type"},
      {"flow-type tcp5 action 1", "unknown flow-type 'tcp5'"},
      {"flow-type tcp4 src-port 70000 action 1", "'70000' is not a valid src-port"},
      {"flow-type ip4 src-port 1 action 1", "'src-port' is not an option of flow-type ip4"},
      {"flow-type udp4 dst-port 53 dst-port 54", "'dst-port' given twice"},
      {"flow-type udp4 m 1", "'m' must follow a field value"},
      {"flow-type udp4 dst-port", "'dst-port' needs a value"},
      {"flow-type udp4 dst-port 53 m", "'m' needs a mask"},
      {"flow-type udp4 action 1 vf 2", "'vf' cannot be combined with 'action'"},
      {"flow-type udp4 queue 1 action 2", "'action' cannot be combined"},
      {"flow-type udp4 src-ip 300.1.1.1", "'300.1.1.1' is not an IPv4 address"},
      {"flow-type tcp6 src-ip 10.0.0.1", "'10.0.0.1' is not an IPv6 address"},
      {"flow-type ether dst 00:11:22:33:44", "is not a MAC address"},
      {"flow-type ether dst 00:11:22:33:44:55:66", "is not a MAC address"},
      {"flow-type udp4 loc 4294967295", "'4294967295' is not a valid loc"},
      {"flow-type udp4 action -3", "is not a valid action"},
      {"flow-type udp4 dst-port 0x", "'0x' is not a valid dst-port"},
      {"flow-type udp4 tos -1", "'-1' is not a valid tos"},
      {"flow-type ether dst-mac 00:11:22:33:44:55", "'dst-mac' is not an option of flow-type ether"},
  };
  for (const auto& b : bad) {
    try {
      (void)parse_rule(b.text);
      ADD_FAILURE() << "accepted: " << b.text;
    } catch (const rule_syntax_error& e) {
      EXPECT_NE(std::string(e.what()).find(b.says), std::string::npos) << b.text << " -> " << e.what();
    }
  }
}

TEST(Ntuple, InsertAnyLocationWhenTheDriverHasSpecialLocations) {
  scripted_transport io;
  auto cnt = zeroed<ethtool_rxnfc>();
  cnt.cmd = ETHTOOL_GRXCLSRLCNT;
  auto cnt_rep = cnt;
  cnt_rep.data = 1024 | RX_CLS_LOC_SPECIAL;
  io.expect("eth0", cnt, cnt_rep);
  const flow_rule r = parse_rule("flow-type udp4 dst-port 53 action 2");
  auto ins = zeroed<ethtool_rxnfc>();
  ins.cmd = ETHTOOL_SRXCLSRLINS;
  ins.fs = r.fs;
  auto ins_rep = ins;
  ins_rep.fs.location = 1023;
  io.expect("eth0", ins, ins_rep);
  EXPECT_EQ(insert_rule(device(io, "eth0"), r).value(), 1023u);
}

TEST(Ntuple, InsertPicksTheLastFreeSlotWithoutSpecialLocations) {
  scripted_transport io;
  auto cnt = zeroed<ethtool_rxnfc>();
  cnt.cmd = ETHTOOL_GRXCLSRLCNT;
  auto cnt_rep = cnt;
  cnt_rep.data = 8;
  cnt_rep.rule_cnt = 2;
  io.expect("eth0", cnt, cnt_rep);
  io.expect("eth0", cnt, cnt_rep);  // get_rule_locations asks again
  auto all = zeroed<ethtool_rxnfc>();
  all.cmd = ETHTOOL_GRXCLSRLALL;
  all.rule_cnt = 2;
  auto all_rep = all;
  all_rep.data = 8;
  io.expect_ioctl("eth0", testing::with_tail(all, std::vector<std::uint32_t>{0, 0}),
                  testing::with_tail(all_rep, std::vector<std::uint32_t>{7, 3}));
  const flow_rule r = parse_rule("flow-type tcp4 dst-port 80 action 1");
  auto ins = zeroed<ethtool_rxnfc>();
  ins.cmd = ETHTOOL_SRXCLSRLINS;
  ins.fs = r.fs;
  ins.fs.location = 6;
  io.expect("eth0", ins, ins);
  EXPECT_EQ(insert_rule(device(io, "eth0"), r).value(), 6u);
}

TEST(Ntuple, RefusalsAndDelete) {
  scripted_transport io;
  auto cnt = zeroed<ethtool_rxnfc>();
  cnt.cmd = ETHTOOL_GRXCLSRLCNT;
  io.expect_fail("veth0", cnt, EOPNOTSUPP);
  const auto c = get_rule_count(device(io, "veth0"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.refused().message().find("no ntuple filters"), std::string::npos);

  auto del = zeroed<ethtool_rxnfc>();
  del.cmd = ETHTOOL_SRXCLSRLDEL;
  del.fs.location = 4;
  io.expect("eth0", del, del);
  EXPECT_TRUE(delete_rule(device(io, "eth0"), 4).ok());
  io.expect_fail("eth0", del, ENOENT);
  const auto gone = delete_rule(device(io, "eth0"), 4);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.refused().message(), "ETHTOOL_SRXCLSRLDEL on eth0: No such file or directory — no rule at location 4");
}

}  // namespace
}  // namespace xdpkit::ethtool
