// SPDX-License-Identifier: Apache-2.0
// The service's metrics from a snapshot: names and labels as OPERATIONS.md
// has them, queues as a label, per-rule series capped with the rest summed
// as rule="other", and the text as prometheus-cpp serializes it.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "xdpkit/service/dogstatsd.hpp"
#include "xdpkit/service/metrics.hpp"
#include "xdpkit/userspace/engine_words.hpp"

namespace xdpkit::service {
namespace {

service_snapshot two_queue_firewall(std::size_t rules) {
  interface_snapshot i;
  i.name = "eth1";
  i.program = "firewall";
  i.stats.program.rx_packets = 10;
  i.stats.program.redirected = 7;
  i.stats.program.dropped = 3;
  xdpkit_fw_stats fw{};
  fw.rx = 10;
  fw.verdict[XDPKIT_FW_V_REDIRECT] = 7;
  fw.verdict[XDPKIT_FW_V_DROP] = 3;
  fw.reason[XDPKIT_FW_R_RULE] = 10;
  fw.action[XDPKIT_FW_REDIRECT_XSK] = 7;
  fw.action[XDPKIT_FW_DROP] = 3;
  i.stats.firewall = fw;
  for (std::uint32_t q = 0; q < 2; ++q) {
    queue_stats s;
    s.queue = q;
    s.cpu = static_cast<int>(q + 2);
    s.worker.rx_packets = 3 + q;
    s.kernel.rx_ring_full = q;
    i.stats.queues.push_back(s);
  }
  for (std::size_t r = 0; r < rules; ++r) i.rule_hits.push_back(r + 1);
  i.journal_entries = 4;
  service_snapshot snap;
  snap.interfaces.push_back(i);
  snap.reloads_ok = 2;
  snap.reloads_failed = 1;
  return snap;
}

std::string text_of(const service_snapshot& s, std::uint32_t max_rules) {
  return prometheus::TextSerializer().Serialize(metric_families(s, max_rules));
}

TEST(ServiceMetrics, QueuesAreLabelsAndCountersCarryTheirValues) {
  const std::string t = text_of(two_queue_firewall(2), 64);
  EXPECT_NE(t.find("xdpkit_rx_packets_total{interface=\"eth1\",queue=\"0\"} 3"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_rx_packets_total{interface=\"eth1\",queue=\"1\"} 4"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_xsk_rx_ring_full_total{interface=\"eth1\",queue=\"1\"} 1"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_xdp_packets_total{interface=\"eth1\",action=\"drop\"} 3"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_firewall_packets_total{interface=\"eth1\",verdict=\"redirect\"} 7"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_firewall_action_packets_total{interface=\"eth1\",action=\"redirect_xsk\"} 7"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("xdpkit_firewall_action_packets_total{interface=\"eth1\",action=\"redirect_dev\"} 0"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("xdpkit_firewall_reason_packets_total{interface=\"eth1\",reason=\"no_socket\"} 0"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_config_reloads_total{result=\"failed\"} 1"), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_tune_journal_entries{interface=\"eth1\"} 4"), std::string::npos) << t;
  EXPECT_NE(t.find("# TYPE xdpkit_rx_packets_total counter"), std::string::npos) << t;
  EXPECT_NE(t.find("# TYPE xdpkit_tune_journal_entries gauge"), std::string::npos) << t;
  EXPECT_EQ(t.find("queue_0"), std::string::npos) << "no queue number in a metric name";
}

TEST(ServiceMetrics, RuleSeriesAreCappedAndTheRestSummedAsOther) {
  // Rules hit 1, 2, ..., 10 times; a cap of 3 keeps rules 0-2 and sums 4+...+10.
  const std::string t = text_of(two_queue_firewall(10), 3);
  EXPECT_NE(t.find("xdpkit_firewall_rule_hits_total{interface=\"eth1\",rule=\"2\"} 3"), std::string::npos) << t;
  EXPECT_EQ(t.find("rule=\"3\""), std::string::npos) << t;
  EXPECT_NE(t.find("xdpkit_firewall_rule_hits_total{interface=\"eth1\",rule=\"other\"} 49"), std::string::npos) << t;
  EXPECT_EQ(text_of(two_queue_firewall(3), 3).find("rule=\"other\"}"), std::string::npos) << "nothing to sum";
}

TEST(ServiceMetrics, ASteerInterfaceHasNoFirewallSeries) {
  auto snap = two_queue_firewall(0);
  snap.interfaces[0].program = "steer";
  snap.interfaces[0].stats.firewall.reset();
  const std::string t = text_of(snap, 64);
  EXPECT_EQ(t.find("xdpkit_firewall_"), std::string::npos) << t;
  EXPECT_NE(t.find("program=\"steer\""), std::string::npos) << t;
}

// DogStatsD gets the growth of each counter since the last push, tagged as
// the Prometheus series is labelled, plus the boot id; gauges whole.
TEST(DogStatsD, CountersGoAsTheirGrowthAndGaugesWhole) {
  std::map<std::string, double> last;
  auto snap = two_queue_firewall(1);
  const auto first = dogstatsd_lines(metric_families(snap, 64), last, "b00t");
  const auto has = [](const std::vector<std::string>& lines, const std::string& l) {
    return std::find(lines.begin(), lines.end(), l) != lines.end();
  };
  EXPECT_TRUE(has(first, "xdpkit.rx_packets:3|c|#interface:eth1,queue:0,boot_id:b00t")) << ::testing::PrintToString(first);
  EXPECT_TRUE(has(first, "xdpkit.tune_journal_entries:4|g|#interface:eth1,boot_id:b00t")) << ::testing::PrintToString(first);
  snap.interfaces[0].stats.queues[0].worker.rx_packets += 5;
  const auto second = dogstatsd_lines(metric_families(snap, 64), last, "b00t");
  EXPECT_TRUE(has(second, "xdpkit.rx_packets:5|c|#interface:eth1,queue:0,boot_id:b00t")) << ::testing::PrintToString(second);
  for (const auto& l : second)
    EXPECT_TRUE(l.find("|g") != std::string::npos || l.rfind("xdpkit.rx_packets:5|c", 0) == 0)
        << "only what grew is sent as a counter: " << l;
}

}  // namespace
}  // namespace xdpkit::service

namespace xdpkit {
namespace {

TEST(EngineWords, AWordThatIsNotAChoiceIsNamedWithTheChoices) {
  engine_words w;
  w.bind = "zerocopy";
  try {
    (void)engine_config_from(w, "eth1", {0}, {});
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bind 'zerocopy' is not one of copy, zero-copy, auto"), std::string::npos)
        << e.what();
  }
  w.bind = "copy";
  w.frames = 3000;
  EXPECT_THROW((void)engine_config_from(w, "eth1", {0}, {}), std::invalid_argument);
  w.frames = 256;
  const auto c = engine_config_from(w, "eth1", {0, 1}, {2, 3});
  EXPECT_EQ(c.umem.frame_count, 256u);
  EXPECT_EQ(c.xsk.rx_size, 128u);
  EXPECT_EQ(c.cpus, (std::vector<int>{2, 3}));
}

}  // namespace
}  // namespace xdpkit
