// SPDX-License-Identifier: Apache-2.0
// The rule language: what parses, what it means, and the errors (with line
// numbers) for what doesn't; and what compile() builds for the program.
#include <gtest/gtest.h>

#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::firewall {
namespace {

TEST(FirewallRules, ParsesEveryCondition) {
  const auto set = parse_rules(
      "# a comment line\n"
      "\n"
      "drop proto udp src 192.168.1.77/24 dst 10.0.0.0/8 sport 1000-2000 dport 53 vlan 7   # trailing comment\n"
      "redirect-dev 3 family ipv6 proto icmpv6\n"
      "default tx\n"
      "non-ip drop\n",
      "rules.txt");
  ASSERT_EQ(set.rules.size(), 2u);
  const rule& r = set.rules[0];
  EXPECT_EQ(r.line, 3);
  EXPECT_EQ(r.action, XDPKIT_FW_DROP);
  EXPECT_EQ(r.proto, 17);
  EXPECT_EQ(r.family, 4) << "the family follows from the prefixes";
  ASSERT_TRUE(r.src);
  EXPECT_EQ(r.src->str(), "192.168.1.0/24") << "host bits below the prefix are cleared";
  EXPECT_EQ(r.dst->str(), "10.0.0.0/8");
  EXPECT_EQ(r.sport.lo, 1000);
  EXPECT_EQ(r.sport.hi, 2000);
  EXPECT_EQ(r.dport.lo, 53);
  EXPECT_EQ(r.dport.hi, 53);
  EXPECT_EQ(r.vlan, 7);
  EXPECT_EQ(set.rules[1].action, XDPKIT_FW_REDIRECT_DEV);
  EXPECT_EQ(set.rules[1].redirect_slot, 3u);
  EXPECT_EQ(set.rules[1].family, 6);
  EXPECT_EQ(set.default_action, XDPKIT_FW_TX);
  EXPECT_EQ(set.not_ip_action, XDPKIT_FW_DROP);
  EXPECT_TRUE(set.default_given);
}

TEST(FirewallRules, DefaultsArePassAndNotGiven) {
  const auto set = parse_rules("drop proto tcp\n");
  EXPECT_EQ(set.default_action, XDPKIT_FW_PASS);
  EXPECT_EQ(set.not_ip_action, XDPKIT_FW_PASS);
  EXPECT_FALSE(set.default_given);
  EXPECT_FALSE(set.not_ip_given);
}

struct bad_case {
  const char* text;
  int line;
  const char* says;
};

class FirewallRuleErrors : public ::testing::TestWithParam<bad_case> {};

TEST_P(FirewallRuleErrors, NameTheLineAndTheProblem) {
  const auto& c = GetParam();
  try {
    parse_rules(c.text, "f.rules");
    FAIL() << "accepted: " << c.text;
  } catch (const rule_error& e) {
    EXPECT_EQ(e.line(), c.line) << e.what();
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("f.rules:" + std::to_string(c.line) + ": ", 0), 0u) << what;
    EXPECT_NE(what.find(c.says), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, FirewallRuleErrors,
    ::testing::Values(bad_case{"dorp proto udp\n", 1, "unknown action 'dorp'"},
                      bad_case{"drop\ndrop prot udp\n", 2, "unknown condition 'prot'"},
                      bad_case{"drop proto\n", 1, "'proto' needs a value"},
                      bad_case{"drop proto gre2\n", 1, "unknown protocol 'gre2'"},
                      bad_case{"drop proto 0\n", 1, "unknown protocol '0'"},
                      bad_case{"drop dst 10.0.0.0/33\n", 1, "is not an IPv4 or IPv6 prefix"},
                      bad_case{"drop dst 10.0.0\n", 1, "is not an IPv4 or IPv6 prefix"},
                      bad_case{"drop dport 70000\n", 1, "is not a port or a range"},
                      bad_case{"drop dport 90-80\n", 1, "is not a port or a range"},
                      bad_case{"drop vlan 4096\n", 1, "vlan must be 0-4095"},
                      bad_case{"drop src 10.0.0.0/8 dst 2001:db8::/32\n", 1, "mixes IPv4 and IPv6"},
                      bad_case{"drop family ipv6 src 10.0.0.0/8\n", 1, "mixes IPv6 and IPv4"},
                      bad_case{"drop proto icmp dport 5\n", 1, "ports need proto tcp, udp or sctp"},
                      bad_case{"redirect-dev proto udp\n", 1, "redirect-dev needs a devmap slot"},
                      bad_case{"redirect-dev 64\n", 1, "redirect-dev needs a devmap slot"},
                      bad_case{"# ok\ndefault\n", 2, "default takes one action"},
                      bad_case{"non-ip redirect-dev\n", 1, "non-ip redirect-dev needs a devmap slot"},
                      bad_case{"default redirect-dev 64\n", 1, "default redirect-dev needs a devmap slot 0-63"},
                      bad_case{"default drop now\n", 1, "default takes one action"},
                      bad_case{"redirect-dev pear\n", 1, "or peer"},
                      bad_case{"drop proto udp\x1b[2J\n", 1, "a control character (0x1b)"},
                      bad_case{"drop dst 10.0.0.0/8 \xc3\xa9\n", 1, "a byte that is not ASCII (0xc3)"}));

// bad_case's text is a C string: a NUL inside it needs the length spelled out.
TEST(FirewallRules, ANulInsideALineIsAnErrorNotTheEndOfTheLine) {
  const std::string text("drop dst 10.0.0.1\0garbage/8\n", 29);
  try {
    parse_rules(text, "f.rules");
    FAIL() << "a rule with a NUL in it was accepted";
  } catch (const rule_error& e) {
    EXPECT_STREQ(e.what(), "f.rules:1: a NUL byte (0x00) at column 18: rules are plain ASCII text");
  }
  const std::string in_comment("pass\n# a NUL \0 in a comment\n", 29);
  try {
    parse_rules(in_comment, "f.rules");
    FAIL() << "a NUL in a comment was accepted";
  } catch (const rule_error& e) {
    EXPECT_EQ(e.line(), 2) << e.what();
  }
}

// A forwarder's rules: what no rule names, IP or not, goes to another
// interface; `peer` is the slot `xdpkit forward` fills with the other side.
TEST(FirewallRules, DefaultAndNonIpMaySendToAPort) {
  const auto set = parse_rules("redirect-dev peer proto udp\ndefault redirect-dev 5\nnon-ip redirect-dev peer\n");
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.rules[0].redirect_slot, static_cast<std::uint32_t>(XDPKIT_FW_PEER_SLOT));
  EXPECT_EQ(set.default_action, XDPKIT_FW_REDIRECT_DEV);
  EXPECT_EQ(set.default_slot, 5u);
  EXPECT_EQ(set.not_ip_action, XDPKIT_FW_REDIRECT_DEV);
  EXPECT_EQ(set.not_ip_slot, static_cast<std::uint32_t>(XDPKIT_FW_PEER_SLOT));
  const auto c = compile(set);
  EXPECT_EQ(c.default_slot, 5u);
  EXPECT_EQ(c.not_ip_slot, static_cast<std::uint32_t>(XDPKIT_FW_PEER_SLOT));
  EXPECT_EQ(action_text(c.default_action, c.default_slot), "redirect-dev 5");
  EXPECT_EQ(action_text(c.not_ip_action, c.not_ip_slot), "redirect-dev peer");
  EXPECT_EQ(action_text(XDPKIT_FW_REDIRECT_XSK), "redirect-xsk");
}

TEST(FirewallRules, ALaterSetsRulesFollowAndItsDefaultsWin) {
  rule_set into = parse_rules("drop proto udp\ndefault drop\nnon-ip drop\n", "a");
  merge_rules(into, parse_rules("pass proto tcp\ndefault redirect-dev 2\n", "b"));
  ASSERT_EQ(into.rules.size(), 2u);
  EXPECT_EQ(into.rules[1].source, "b");
  EXPECT_EQ(into.default_action, XDPKIT_FW_REDIRECT_DEV);
  EXPECT_EQ(into.default_slot, 2u);
  EXPECT_EQ(into.not_ip_action, XDPKIT_FW_DROP) << "b said nothing about non-IP frames";
}

// Every slot a set sends to must be filled, the defaults' too; the message says how.
TEST(FirewallRules, ASlotNoPortFillsIsRefusedWithTheWayToFillIt) {
  const auto set = parse_rules("pass proto tcp\nredirect-dev 3 proto udp\n", "f.rules");
  EXPECT_NO_THROW(require_ports(set, {3}));
  try {
    require_ports(set, {});
    FAIL() << "slot 3 is empty";
  } catch (const rule_error& e) {
    EXPECT_STREQ(e.what(), "f.rules:2: redirect-dev 3 names a slot no port fills; give --port 3=IFNAME");
  }
  const auto peer = parse_rules("default redirect-dev peer\n");
  try {
    require_ports(peer, {3});
    FAIL() << "peer is empty outside forward";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("default redirect-dev peer is the other interface of `xdpkit forward A B`"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(require_ports(peer, {XDPKIT_FW_PEER_SLOT}));
}

TEST(FirewallRules, WindowsLineEndsAreLineEnds) {
  const auto set = parse_rules("drop proto udp\r\ndefault drop\r\n", "f.rules");
  ASSERT_EQ(set.rules.size(), 1u);
  EXPECT_EQ(set.default_action, XDPKIT_FW_DROP);
}

TEST(FirewallCompile, GroupsByDestinationWithParents) {
  const auto set = parse_rules(
      "drop dst 10.1.0.0/16\n"   // 0
      "pass dst 10.0.0.0/8\n"    // 1
      "tx dst 10.1.0.0/16\n"     // 2: same group as 0, after it
      "drop proto udp\n"         // 3: no dst, any family: in both /0 groups
      "pass dst 2001:db8::/32\n" // 4
  );
  const auto c = compile(set);
  ASSERT_EQ(c.rules.size(), 5u);
  ASSERT_EQ(c.dst4.size(), 3u);  // /16, /8, /0
  ASSERT_EQ(c.dst6.size(), 2u);  // /32, /0
  auto group_of = [&](std::uint32_t len) {
    for (const auto& r : c.dst4)
      if (r.len == len) return r.group;
    ADD_FAILURE() << "no /" << len;
    return 0u;
  };
  const auto g16 = group_of(16), g8 = group_of(8), g0 = group_of(0);
  EXPECT_EQ(c.groups[g16].count, 2u);
  EXPECT_EQ(c.groups[g16].rule[0], 0u);
  EXPECT_EQ(c.groups[g16].rule[1], 2u) << "file order within a prefix";
  EXPECT_EQ(c.groups[g16].parent, g8);
  EXPECT_EQ(c.groups[g8].parent, g0);
  EXPECT_EQ(c.groups[g0].parent, XDPKIT_FW_NO_GROUP);
  EXPECT_EQ(c.groups[g0].rule[0], 3u);
  EXPECT_EQ(c.rules[0].action, XDPKIT_FW_DROP);
  EXPECT_EQ(c.rules[2].id, 2u);
}

TEST(FirewallCompile, RefusesMoreRulesOnOnePrefixThanTheProgramHolds) {
  std::string text;
  for (int i = 0; i < XDPKIT_FW_GROUP_RULES + 1; ++i) text += "drop proto udp dport " + std::to_string(i) + "\n";
  const auto set = parse_rules(text, "many.rules");
  try {
    compile(set);
    FAIL() << "33 rules on 0.0.0.0/0 must not fit";
  } catch (const rule_error& e) {
    EXPECT_EQ(e.line(), XDPKIT_FW_GROUP_RULES + 1);
    EXPECT_EQ(std::string(e.what()).rfind("many.rules:" + std::to_string(XDPKIT_FW_GROUP_RULES + 1) + ": ", 0), 0u)
        << "compile errors name the rule's own source: " << e.what();
    EXPECT_NE(std::string(e.what()).find("share destination 0.0.0.0/0"), std::string::npos) << e.what();
  }
}

TEST(FirewallCompile, RefusesNestingDeeperThanTheProgramWalks) {
  std::string text;
  for (int len = 8; len <= 8 + XDPKIT_FW_MAX_NESTING; ++len) text += "drop dst 10.0.0.0/" + std::to_string(len) + "\n";
  try {
    compile(parse_rules(text));
    FAIL() << "17 nested prefixes must not fit";
  } catch (const rule_error& e) {
    EXPECT_NE(std::string(e.what()).find("sits inside"), std::string::npos) << e.what();
  }
}

// Issue 12: "rules:0: IPv4 destinations need more than 16384 ..." named no
// file and no line. The rule whose destination did not fit is named.
TEST(FirewallCompile, AFullIpv4TableNamesTheRuleThatDidNotFit) {
  // A /32 in a /16 of its own takes two chunks (one for the /16, one for its
  // /24): XDPKIT_FW_V4_CHUNKS / 2 + 1 of them cannot fit.
  std::string text;
  for (int i = 0; i <= XDPKIT_FW_V4_CHUNKS / 2; ++i)
    text += "drop dst " + std::to_string(1 + i / 256) + "." + std::to_string(i % 256) + ".7.1/32\n";
  const auto set = parse_rules(text, "wide.rules");
  try {
    compile(set);
    FAIL() << "more /16s with longer prefixes than chunks must not fit";
  } catch (const rule_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("wide.rules:", 0), 0u) << what;
    EXPECT_GT(e.line(), 0) << what;
    EXPECT_NE(what.find("256-address tables"), std::string::npos) << what;
  }
}

TEST(FirewallCompile, RulesFromTwoSourcesKeepTheirOwnNames) {
  auto set = parse_rules("drop dst 10.0.0.0/8\n", "a.rules");
  std::string cli;
  for (int i = 0; i < XDPKIT_FW_GROUP_RULES; ++i) cli += "pass dst 10.0.0.0/8 dport " + std::to_string(i) + "\n";
  const auto extra = parse_rules(cli, "--rule");
  set.rules.insert(set.rules.end(), extra.rules.begin(), extra.rules.end());
  try {
    compile(set);
    FAIL() << "33 rules on 10.0.0.0/8";
  } catch (const rule_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--rule:" + std::to_string(XDPKIT_FW_GROUP_RULES) + ": ", 0), 0u) << e.what();
  }
}

TEST(FirewallPrefix, ContainsChecksOnlyThePrefixBits) {
  const auto p = parse_prefix("10.1.2.3/23");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->str(), "10.1.2.0/23");
  const std::uint8_t in[4] = {10, 1, 3, 255}, out[4] = {10, 1, 4, 0};
  EXPECT_TRUE(p->contains(in));
  EXPECT_FALSE(p->contains(out));
  const auto all = parse_prefix("::/0");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->family, 6);
  const std::uint8_t any6[16] = {0xfe, 0x80};
  EXPECT_TRUE(all->contains(any6));
  EXPECT_EQ(parse_prefix("10.0.0.1")->len, 32);
}

}  // namespace
}  // namespace xdpkit::firewall
