// SPDX-License-Identifier: Apache-2.0
// Issue 12, "accepted input, wrong behaviour": options that cannot be right
// must be refused before anything is touched (exit 2, the option named), and
// what a user types in an order the parser did not expect must still mean
// what they meant. The documented exit codes are checked here too.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_child.hpp"
#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/netns_veth.hpp"

namespace xdpkit::testing {
namespace {

struct refused_case {
  const char* name;
  std::vector<std::string> args;
  const char* needle;  // in the message
};

void PrintTo(const refused_case& c, std::ostream* os) { *os << c.name; }

class Refused : public ::testing::TestWithParam<refused_case> {};

TEST_P(Refused, BeforeAnythingIsTouchedWithExitTwo) {
  const auto& c = GetParam();
  cli_child x(c.args);
  EXPECT_EQ(x.wait_exit(), 2) << x.output();
  EXPECT_NE(x.output().find(c.needle), std::string::npos) << x.output();
}

// xkenosuch0 exists nowhere: a case whose check did not fire would fail on
// the missing interface instead, with another message.
INSTANTIATE_TEST_SUITE_P(
    Options, Refused,
    ::testing::Values(
        refused_case{"UnknownCommand", {"frob"}, "unknown command 'frob'; the commands are run, forward, demo"},
        refused_case{"ProbeRootMissing", {"probe", "xkenosuch0", "--root", "/nonexistent"}, "--root"},
        refused_case{"RunRootMissing", {"run", "-i", "xkenosuch0", "--root", "/nonexistent"}, "--root"},
        refused_case{"DurationNan", {"run", "-i", "xkenosuch0", "--duration", "nan"}, "'nan' is not a number of seconds"},
        refused_case{"DurationInf", {"demo", "--duration", "inf"}, "'inf' is not a number of seconds"},
        refused_case{"NegativeCpu", {"run", "-i", "xkenosuch0", "--cpu", "-1"}, "--cpu"},
        refused_case{"ZeroWorkersTopology", {"topology", "--workers", "0"}, "--workers"},
        refused_case{"ZeroWorkersValidate", {"validate", "--workers", "0"}, "--workers"},
        refused_case{"PortWithoutRules", {"run", "-i", "xkenosuch0", "--port", "3=nosuch", "--pages", "normal"},
                     "no rules were given"},
        refused_case{"TuneWithoutInterface", {"tune", "--rss", "equal", "2"}, "which interface?"},
        refused_case{"TuneIrqListDescending", {"tune", "xkenosuch0", "--irq-affinity", "7-2"}, "descending range"},
        refused_case{"RevertNotAName", {"revert", "a/b"}, "not an interface name"},
        refused_case{"ForwardXdpPathWithAHandler",
                     {"forward", "xkenosuch0", "xkenosuch1", "--path", "xdp", "--handler", "macswap"},
                     "need --path afxdp"},
        refused_case{"ForwardXdpPathWithACapture",
                     {"forward", "xkenosuch0", "xkenosuch1", "--path", "xdp", "--capture", "/tmp/xkenosuch.pcap"},
                     "--capture need --path afxdp"},
        refused_case{"ForwardCaptureHandlerWithoutAFile", {"forward", "xkenosuch0", "xkenosuch1", "--handler", "capture"},
                     "--handler capture writes to --capture FILE"},
        refused_case{"ForwardUnknownHandler", {"forward", "xkenosuch0", "xkenosuch1", "--handler", "l3fwd"},
                     "--handler"},
        refused_case{"ForwardXdpPathWithSocketRules",
                     {"forward", "xkenosuch0", "xkenosuch1", "--path", "xdp", "--rule", "redirect-xsk proto tcp"},
                     "these rules send frames to redirect-xsk"},
        refused_case{"ForwardHandlerWithNoSocketRule",
                     {"forward", "xkenosuch0", "xkenosuch1", "--handler", "macswap", "--rule", "default redirect-dev peer"},
                     "no rule, default or non-ip line of these rules does"},
        refused_case{"ForwardPortWithoutRules", {"forward", "xkenosuch0", "xkenosuch1", "--port", "3=nosuch"},
                     "no rules were given"},
        refused_case{"ForwardPortOnThePeerSlot",
                     {"forward", "xkenosuch0", "xkenosuch1", "--rule", "default redirect-dev peer", "--port", "63=x"},
                     "slot 63 is `peer`"}),
    [](const ::testing::TestParamInfo<refused_case>& i) { return std::string(i.param.name); });

TEST(ExitCodes, ValidateTellsAFailedCheckFromAnUnreadableHost) {
  const std::string fixtures = XDPKIT_FIXTURES_DIR;
  cli_child failed({"validate", "--root", fixtures + "/two-socket-ht/root"});
  EXPECT_EQ(failed.wait_exit(), 1) << "a check failed: " << failed.output();
  cli_child passed({"validate", "--root", fixtures + "/hotplug-memnode/root"});
  EXPECT_EQ(passed.wait_exit(), 0) << passed.output();
  const auto empty = std::filesystem::path(::testing::TempDir()) / ("xk-empty-root-" + std::to_string(::getpid()));
  std::filesystem::create_directories(empty);
  cli_child unreadable({"validate", "--root", empty.string()});
  EXPECT_EQ(unreadable.wait_exit(), 2) << "the host could not be read: " << unreadable.output();
  EXPECT_NE(unreadable.output().find(empty.string() + "/sys/devices/system/cpu/online"), std::string::npos)
      << unreadable.output();
  std::filesystem::remove_all(empty);
}

class TuneCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: a veth in a namespace";
    veth_.emplace(lab::netns_veth::create(4, "xkcl"));
  }
  std::vector<std::string> in_ns() const { return {"ip", "netns", "exec", veth_->ns()}; }
  std::optional<lab::netns_veth> veth_;
};

// The two ends of one veth pair forward to each other for ever (seen at 6
// Mpps from one router solicitation): refused before anything is attached.
TEST_F(TuneCli, ForwardBetweenTheTwoEndsOfOneVethIsRefusedAsALoop) {
  cli_child x({"forward", veth_->a(), veth_->b(), "--duration", "1"}, in_ns());
  EXPECT_EQ(x.wait_exit(), 2) << x.output();
  EXPECT_NE(x.output().find("are the two ends of one veth pair"), std::string::npos) << x.output();
  const auto link = lab::run_command({"ip", "-n", veth_->ns(), "link", "show", "dev", veth_->a()});
  EXPECT_EQ(link.output.find("xdp"), std::string::npos) << "nothing attached: " << link.output;
}

// Issue 12: `tune --rss equal 2 IF` took IF as a word of --rss and said only
// "IF is required".
TEST_F(TuneCli, AnInterfaceAfterTheRssWordsIsTheInterface) {
  cli_child x({"tune", "--rss", "equal", "2", veth_->b(), "--dry-run"}, in_ns());
  const int rc = x.wait_exit();
  EXPECT_EQ(x.output().find("which interface"), std::string::npos) << x.output();
  EXPECT_EQ(x.output().find("IF is required"), std::string::npos) << x.output();
  // veth has no RSS table: the answer is about the device it was given.
  EXPECT_NE(x.output().find("on " + veth_->b()), std::string::npos) << x.output();
  EXPECT_EQ(rc, 1) << x.output();
}

// Issue 12: `tune IF --root DIR` wrote the real journal, and a later plain
// `revert IF` put the fixture tree's old values on the real device. The
// journal of a tune under --root lives under that root.
TEST_F(TuneCli, ATuneUnderARootJournalsUnderThatRoot) {
  const auto root = std::filesystem::path(::testing::TempDir()) / ("xk-tune-root-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  // The transport's sockets belong to the namespace they were made in.
  std::uint32_t before = 0;
  {
    lab::netns_scope inside(veth_->ns());
    auto io = ethtool::make_kernel_transport();
    before = ethtool::get_channels(ethtool::device(*io, veth_->b())).value().rx;
  }
  cli_child tune({"tune", veth_->b(), "--root", root.string(), "--channels", "1"}, in_ns());
  ASSERT_EQ(tune.wait_exit(), 0) << tune.output();
  std::size_t under_root = 0;
  for (const auto& e : std::filesystem::directory_iterator(root / "run/xdpkit"))
    under_root += e.path().filename().string().find(veth_->b()) != std::string::npos;
  EXPECT_EQ(under_root, 1u) << "the journal must be under " << root / "run/xdpkit";
  {
    lab::netns_scope inside(veth_->ns());
    EXPECT_FALSE(ethtool::journal::exists(ethtool::kDefaultJournalDir, veth_->b())) << "nothing in the real /run/xdpkit";
  }
  cli_child plain({"revert", veth_->b()}, in_ns());
  EXPECT_EQ(plain.wait_exit(), 0) << plain.output();
  EXPECT_NE(plain.output().find("nothing to revert"), std::string::npos) << plain.output();
  cli_child rooted({"revert", veth_->b(), "--root", root.string()}, in_ns());
  EXPECT_EQ(rooted.wait_exit(), 0) << rooted.output();
  {
    lab::netns_scope inside(veth_->ns());
    auto io = ethtool::make_kernel_transport();
    EXPECT_EQ(ethtool::get_channels(ethtool::device(*io, veth_->b())).value().rx, before);
  }
  std::filesystem::remove_all(root);
}

// Issue 12: errors echoed control and escape sequences and 10 MB words.
// Outside text in a message is escaped and cut, on every path to the terminal.
TEST(OutsideText, NeverReachesTheTerminalRawOrWhole) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / ("xk-outside-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "big.rules") << "drop proto " << std::string(1u << 20, 'A') << "\n";
  }
  const std::vector<std::vector<std::string>> cases = {
      {"rules", "check", (dir / "big.rules").string()},
      {"run", "-i", "x\x1b[2Jy\x1b]0;owned\x07", "--pages", "normal"},
      {"topology", "--bogus\x1b[31m"},
      {"probe", "x\x1b[2Jy"},
      {"tune", "--channels", "\x1b[2J", "xkenosuch0"},
  };
  for (const auto& args : cases) {
    cli_child x(args);
    const int rc = x.wait_exit();
    EXPECT_NE(rc, 0) << args[0];
    EXPECT_EQ(x.output().find('\x1b'), std::string::npos) << args[0] << ": " << x.output();
    EXPECT_EQ(x.output().find('\x07'), std::string::npos) << args[0] << ": " << x.output();
    EXPECT_LT(x.output().size(), 4096u) << args[0] << ": the output repeats the whole input";
    EXPECT_EQ(x.output().find("\\xe2\\x80\\x94"), std::string::npos) << args[0] << ": xdpkit's own text is escaped too: "
                                                                       << x.output();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace xdpkit::testing
