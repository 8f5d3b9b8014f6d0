// SPDX-License-Identifier: Apache-2.0
// The service config (issue 14): the contract keys read into values, and
// every mistake an error at FILE:LINE:COLUMN with the key's dotted path.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "xdpkit/config/config.hpp"

namespace xdpkit::config {
namespace {

const char* full = R"(# an example
[[interface]]
name = "eth1"
program = "firewall"
rules = ["edge.rules", "/etc/xdpkit/extra.rules"]
queues = "all"
handler = "l2fwd"
ports = { 3 = "eth2" }
  [interface.xsk]
  frames = 8192
  wait = "poll"
  multi_buffer = true
  [interface.umem]
  pages = "huge-or-normal"
  reserve = false
  shareable = true
  [interface.tune]
  channels = 4
  rss = "equal 4"
  hash = ["udp4=sdfn"]
  irq_affinity = "local"

[[interface]]
name = "eth2"
queues = [0, 2]
cpus = "3,5"

[metrics]
prometheus_listen = "127.0.0.1:9435"
dogstatsd = "udp://127.0.0.1:8125"

[process]
mlockall = true
control_cpu = 3

[log]
level = "debug"
)";

const char* head_only = "[[interface]]\nname = \"eth1\"\n";

TEST(Config, TheContractKeysReadIntoValues) {
  const auto c = parse_config(full, "xdpkit.toml", "/srv");
  ASSERT_EQ(c.interfaces.size(), 2u);
  const auto& a = c.interfaces[0];
  EXPECT_EQ(a.name, "eth1");
  EXPECT_EQ(a.program, "firewall");
  ASSERT_EQ(a.rules.size(), 2u);
  EXPECT_EQ(a.rules[0], "/srv/edge.rules") << "relative to the config's directory";
  EXPECT_EQ(a.rules[1], "/etc/xdpkit/extra.rules");
  EXPECT_FALSE(a.queues) << "all";
  EXPECT_FALSE(a.cpus) << "auto";
  EXPECT_EQ(a.handler, "l2fwd");
  EXPECT_EQ(a.ports.at(3), "eth2");
  EXPECT_EQ(a.xsk.frames, 8192u);
  EXPECT_EQ(a.xsk.wait, "poll");
  EXPECT_EQ(a.xsk.batch, 64u) << "defaults stay";
  EXPECT_TRUE(a.xsk.multi_buffer);
  EXPECT_EQ(a.umem.pages, "huge-or-normal");
  EXPECT_FALSE(a.umem.reserve);
  EXPECT_TRUE(a.umem.shareable);
  ASSERT_TRUE(a.tune);
  EXPECT_EQ(a.tune->channels, "4");
  EXPECT_EQ(a.tune->rss, "equal 4");
  EXPECT_EQ(a.tune->hash, std::vector<std::string>{"udp4=sdfn"});
  EXPECT_EQ(a.where.line, 2u);
  const auto& b = c.interfaces[1];
  EXPECT_EQ(b.program, "steer");
  EXPECT_EQ(b.queues, (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(b.cpus, (std::vector<unsigned>{3, 5}));
  EXPECT_FALSE(b.tune);
  EXPECT_TRUE(b.umem.reserve) << "up grows a short pool unless told not to";
  EXPECT_FALSE(b.umem.shareable);
  EXPECT_FALSE(b.xsk.multi_buffer) << "single-buffer unless said";
  EXPECT_EQ(c.metrics.prometheus_listen, "127.0.0.1:9435");
  EXPECT_EQ(c.metrics.dogstatsd, "udp://127.0.0.1:8125");
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_TRUE(c.process.mlockall);
  EXPECT_EQ(c.process.control_cpu, 3);
  EXPECT_EQ(parse_config(head_only, "x.toml").process.control_cpu, process_settings::kAuto) << "auto unless said";
}

struct bad_case {
  const char* name;
  std::string text;
  std::string where;  // "FILE:LINE:COLUMN: KEY: " the message starts with
  const char* why;    // in the message
};

void PrintTo(const bad_case& c, std::ostream* os) { *os << c.name; }

class BadConfig : public ::testing::TestWithParam<bad_case> {};

TEST(Config, CpusTakeAnArrayAsQueuesDo) {
  const auto c = parse_config("[[interface]]\nname = \"eth1\"\nqueues = [0, 1]\ncpus = [2, 3]\n", "x.toml");
  EXPECT_EQ(c.interfaces[0].cpus, (std::vector<unsigned>{2, 3}));
  try {
    (void)parse_config("[[interface]]\nname = \"eth1\"\ncpus = [2, \"x\"]\n", "x.toml");
    FAIL() << "accepted";
  } catch (const config_error& e) {
    EXPECT_NE(std::string(e.what()).find("interface[0].cpus: CPU numbers are integers 0-4095"), std::string::npos)
        << e.what();
  }
}

// [sysctl] keys as sysctl(8) spells them: dotted (TOML's nested tables),
// quoted whole, or with a quoted component holding a dot (then slashes).
TEST(Config, SysctlsReadAsSysctlNames) {
  const auto c = parse_config(head_only + std::string("[sysctl]\nnet.core.busy_read = 50\n\"vm.stat_interval\" = \"10\"\n"
                                                      "net.ipv4.conf.\"eth0.100\".rp_filter = 0\n"
                                                      "kernel.sched_rt_runtime_us = -1\nnet.ipv4.ip_forward = true\n"
                                                      "net.ipv4.tcp_rmem = \"4096 131072 6291456\"\n"),
                              "x.toml");
  const std::map<std::string, std::string> want{{"kernel.sched_rt_runtime_us", "-1"},
                                                {"net.core.busy_read", "50"},
                                                {"net.ipv4.ip_forward", "1"},
                                                {"net.ipv4.tcp_rmem", "4096 131072 6291456"},
                                                {"net/ipv4/conf/eth0.100/rp_filter", "0"},
                                                {"vm.stat_interval", "10"}};
  EXPECT_EQ(c.sysctl, want);
  EXPECT_TRUE(parse_config(head_only, "x.toml").sysctl.empty());
}

TEST_P(BadConfig, IsRefusedWhereItIsWrong) {
  const auto& c = GetParam();
  try {
    (void)parse_config(c.text, "x.toml");
    FAIL() << "accepted";
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(c.where, 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.why), std::string::npos) << e.what();
  }
}

const std::string head = "[[interface]]\nname = \"eth1\"\n";

INSTANTIATE_TEST_SUITE_P(
    Mistakes, BadConfig,
    ::testing::Values(
        bad_case{"UnknownKey", head + "nmae = \"x\"\n", "x.toml:3:1: interface[0].nmae: ", "unknown key"},
        bad_case{"UnknownTopLevel", head + "[metric]\nprometheus_listen = \"127.0.0.1:1\"\n", "x.toml:3:", "unknown key"},
        bad_case{"UnknownTuneKey", head + "[interface.tune]\nchanels = 4\n", "x.toml:4:1: interface[0].tune.chanels: ",
                 "unknown key"},
        bad_case{"NoInterface", "[log]\nlevel = \"info\"\n", "x.toml:1:1: interface: ", "at least one [[interface]]"},
        bad_case{"NoName", "[[interface]]\nprogram = \"steer\"\n", "x.toml:1:1: interface[0].name: ", "needs a name"},
        bad_case{"BadName", "[[interface]]\nname = \"a/b\"\n", "x.toml:2:8: interface[0].name: ", "cannot name an interface"},
        bad_case{"WrongType", head + "handler = 3\n", "x.toml:3:11: interface[0].handler: ", "must be a string"},
        bad_case{"NotAChoice", head + "program = \"router\"\n", "x.toml:3:11: interface[0].program: ",
                 "'router' is not one of steer, firewall"},
        bad_case{"FirewallWithoutRules", head + "program = \"firewall\"\n", "x.toml:3:11: interface[0].program: ",
                 "needs rules"},
        bad_case{"RulesWithoutFirewall", head + "rules = [\"a.rules\"]\n", "x.toml:3:9: interface[0].rules: ",
                 "need program = \"firewall\""},
        bad_case{"DescendingQueues", head + "queues = \"3-1\"\n", "x.toml:3:10: interface[0].queues: ", "descending"},
        bad_case{"CpusForOtherQueues", head + "queues = \"0-1\"\ncpus = \"2\"\n", "x.toml:4:8: interface[0].cpus: ",
                 "1 CPUs for 2 queues"},
        bad_case{"FramesNotAPowerOfTwo", head + "[interface.xsk]\nframes = 1000\n", "x.toml:4:10: interface[0].xsk.frames: ",
                 "not a power of two"},
        bad_case{"ControlCpuWord", head + "[process]\ncontrol_cpu = \"first\"\n",
                 "x.toml:4:15: process.control_cpu: ", "is not one of auto, none"},
        bad_case{"ControlCpuRange", head + "[process]\ncontrol_cpu = 5000\n", "x.toml:4:15: process.control_cpu: ",
                 "outside 0-4095"},
        bad_case{"FifoPriorityRange", head + "[interface.xsk]\nfifo_priority = 100\n",
                 "x.toml:4:17: interface[0].xsk.fifo_priority: ", "outside 0-99"},
        bad_case{"ReserveNotABoolean", head + "[interface.umem]\nreserve = \"no\"\n",
                 "x.toml:4:11: interface[0].umem.reserve: ", "must be true or false"},
        bad_case{"BatchOutOfRange", head + "[interface.xsk]\nbatch = 0\n", "x.toml:4:9: interface[0].xsk.batch: ",
                 "outside 1-256"},
        bad_case{"BadChannels", head + "[interface.tune]\nchannels = \"rx=x\"\n",
                 "x.toml:4:12: interface[0].tune.channels: ", "bad channel count"},
        bad_case{"BadNtuple", head + "[interface.tune]\nntuple = [\"flow-type bogus\"]\n",
                 "x.toml:4:10: interface[0].tune.ntuple: ", "unknown flow-type"},
        bad_case{"PortWithoutFirewall", head + "ports = { 3 = \"eth2\" }\n", "x.toml:3:9: interface[0].ports: ",
                 "need program = \"firewall\""},
        bad_case{"TwiceTheSameName", head + head, "x.toml:3:1: interface[1].name: ", "configured twice"},
        bad_case{"ListenWithoutPort", head + "[metrics]\nprometheus_listen = \"127.0.0.1\"\n",
                 "x.toml:4:21: metrics.prometheus_listen: ", "not HOST:PORT"},
        bad_case{"StatsdWithoutScheme", head + "[metrics]\ndogstatsd = \"127.0.0.1:8125\"\n",
                 "x.toml:4:13: metrics.dogstatsd: ", "must start with udp://"},
        bad_case{"SysctlArray", head + "[sysctl]\nnet.core.busy_read = [1]\n", "x.toml:4:22: sysctl.net.core.busy_read: ",
                 "an integer, a string or true/false"},
        bad_case{"SysctlTwoLines", head + "[sysctl]\n\"vm.x\" = \"1\\n2\"\n", "x.toml:4:10: sysctl.vm.x: ", "one line"},
        bad_case{"SysctlLeavesProcSys", head + "[sysctl]\n\"../../etc/x\" = 1\n", "x.toml:4:1: sysctl.../../etc/x: ",
                 "bad sysctl name"},
        bad_case{"TomlSyntax", head + "queues = \n", "x.toml:3:", ""}),
    [](const ::testing::TestParamInfo<bad_case>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace xdpkit::config
