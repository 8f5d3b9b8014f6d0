// SPDX-License-Identifier: Apache-2.0
// The firewall as the data plane's XDP program on a veth lab: traffic of known
// composition, and the per-verdict counters equal what was sent.
#include <gtest/gtest.h>

#include "lab_fixture.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::testing {
namespace {

class FirewallOnVeth : public LabTest {};

// The lab frame turned into a TCP segment (protocol 6, data offset 5).
std::vector<std::uint8_t> as_tcp(std::vector<std::uint8_t> f) {
  f[14 + 9] = 6;
  f[14 + 20 + 12] = 0x50;
  return f;
}

TEST_F(FirewallOnVeth, VerdictCountersEqualWhatWasSent) {
  start_engine(handler_kind::rxdrop, page_policy::normal, no_socket_policy::pass,
               firewall::parse_rules("redirect-xsk proto udp dport 9\n"
                                     "drop proto udp dport 53\n"
                                     "default pass\n",
                                     "test rules"));
  ASSERT_EQ(engine_->info().program, "firewall");
  ASSERT_EQ(send_paced_frame(lab_frame(9), 1000), 1000u);
  ASSERT_EQ(send_paced_frame(lab_frame(53), 500), 500u);
  ASSERT_EQ(send_paced_frame(as_tcp(lab_frame(80)), 300), 300u);
  ASSERT_TRUE(wait_until([&] { return engine_->stats().total().rx_packets >= 1000; }, std::chrono::seconds(5)));
  engine_->stop();
  const engine_stats s = engine_->stats();
  ASSERT_TRUE(s.firewall);
  const auto& f = *s.firewall;
  EXPECT_EQ(f.rx, 1800u);
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_REDIRECT], 1000u) << "redirected to the AF_XDP worker";
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_DROP], 500u) << "dropped by the port-53 rule";
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_PASS], 300u) << "TCP passed by default";
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_ABORTED] + f.verdict[XDPKIT_FW_V_TX], 0u);
  EXPECT_EQ(f.reason[XDPKIT_FW_R_RULE], 1500u);
  EXPECT_EQ(f.reason[XDPKIT_FW_R_DEFAULT], 300u);
  EXPECT_EQ(s.total().rx_packets, 1000u) << "the worker sees exactly what redirect-xsk sent it";
  EXPECT_EQ(s.program.rx_packets, s.program.redirected + s.program.passed + s.program.dropped);
}

TEST_F(FirewallOnVeth, ABadRuleFileNamesItsLineBeforeAnythingIsAttached) {
  try {
    start_engine(handler_kind::rxdrop, page_policy::normal, no_socket_policy::pass,
                 firewall::parse_rules("drop proto udp\ndrop dport 99999\n", "bad.rules"));
    FAIL() << "a port above 65535 must be refused";
  } catch (const firewall::rule_error& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("bad.rules:2:"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(engine_);
}

}  // namespace
}  // namespace xdpkit::testing

namespace xdpkit::testing {
namespace {

class FirewallPorts : public LabTest {};

TEST_F(FirewallPorts, RedirectDevGoesThroughTheSlotsPort) {
  engine_config c = lab_config();
  c.firewall = firewall::parse_rules("redirect-dev 3 proto udp dport 9\ndefault drop\n", "test rules");
  c.firewall_ports[3] = lab_->dut_if();  // back out of the receiving port
  start(c);
  ASSERT_EQ(send_paced(400), 400u);
  const auto f = *engine_->stats().firewall;
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_REDIRECT], 400u) << "XDP_REDIRECT through the devmap";
  EXPECT_EQ(f.reason[XDPKIT_FW_R_RULE], 400u);
  EXPECT_EQ(f.reason[XDPKIT_FW_R_REDIRECT_FAILED], 0u);
}

TEST_F(FirewallPorts, ARuleWhoseSlotNoPortFillsIsRefused) {
  engine_config c = lab_config();
  c.firewall = firewall::parse_rules("drop proto tcp\nredirect-dev 5 proto udp\n", "test rules");
  lab::netns_scope in_dut(lab_->dut_ns());
  try {
    engine e = engine::start(c);
    FAIL() << "slot 5 has no port";
  } catch (const firewall::rule_error& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("--port 5=IFNAME"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xdpkit::testing
