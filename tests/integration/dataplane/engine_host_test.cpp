// SPDX-License-Identifier: Apache-2.0
// The engine reaches the host only through what engine_host gives it: the NIC
// control transport and the /proc root. Each test here starts a real engine on
// the lab's veth with one of the two replaced, and sees the engine use it.
#include <linux/ethtool.h>
#include <net/if.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "lab_fixture.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"

namespace xdpkit::testing {
namespace {

// A NIC whose driver calls itself `driver` and refuses every other ioctl with
// `refuse_with`; it records each ioctl's interface and command.
class scripted_nic final : public ethtool::transport {
 public:
  scripted_nic(std::string driver, int refuse_with) : driver_(std::move(driver)), refuse_with_(refuse_with) {}

  int ethtool_ioctl(const std::string& ifname, std::span<std::byte> buf) override {
    std::uint32_t cmd = 0;
    std::memcpy(&cmd, buf.data(), sizeof cmd);
    {
      std::lock_guard lock(mu_);
      calls_.emplace_back(ifname, cmd);
    }
    if (cmd != ETHTOOL_GDRVINFO || buf.size() < sizeof(ethtool_drvinfo)) return -refuse_with_;
    ethtool_drvinfo info{};
    info.cmd = cmd;
    std::strncpy(info.driver, driver_.c_str(), sizeof info.driver - 1);
    std::memcpy(buf.data(), &info, sizeof info);
    return 0;
  }
  int ifindex(const std::string&) override { return -ENODEV; }
  int genl(const ethtool::genl_request&, std::vector<std::vector<std::byte>>&) override { return -ENOENT; }

  std::vector<std::pair<std::string, std::uint32_t>> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::string driver_;
  int refuse_with_;
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::uint32_t>> calls_;
};

class EngineHost : public LabTest {
 protected:
  void start_with(engine_host host) {
    lab::netns_scope in_dut(lab_->dut_ns());
    engine_.emplace(engine::start(lab_config(), std::move(host)));
  }
};

TEST_F(EngineHost, TheRssRewriteAsksTheInjectedNicAndSaysWhatItRefused) {
  // virtio_net is a driver whose RSS the attach loses: the engine must try to
  // write the table again, through this transport, and report the refusal.
  auto nic = std::make_shared<scripted_nic>("virtio_net", EPERM);
  start_with({nic, topology::host_root("/")});
  const auto calls = nic->calls();
  ASSERT_FALSE(calls.empty()) << "the engine made its own transport instead of using the injected one";
  EXPECT_EQ(calls.front(), (std::pair<std::string, std::uint32_t>{lab_->dut_if(), ETHTOOL_GDRVINFO}));
  EXPECT_NE(engine_->info().rss_note.find("could not write the RSS table again"), std::string::npos)
      << engine_->info().rss_note;
  EXPECT_NE(engine_->info().rss_note.find("Operation not permitted"), std::string::npos) << engine_->info().rss_note;
}

TEST_F(EngineHost, ADriverThatKeepsItsRssGetsNoRewrite) {
  auto nic = std::make_shared<scripted_nic>("veth", EPERM);
  start_with({nic, topology::host_root("/")});
  EXPECT_EQ(engine_->info().rss_note, "");
  for (const auto& [ifname, cmd] : nic->calls()) EXPECT_EQ(cmd, static_cast<std::uint32_t>(ETHTOOL_GDRVINFO));
}

TEST_F(EngineHost, ProcIsReadUnderTheInjectedRoot) {
  // A root with no /proc: the placement is unknown (naming the path it tried)
  // and no thread status is found, while the data plane itself runs.
  const std::string empty_root = ::testing::TempDir() + "xk-engine-root-" + std::to_string(::getpid());
  lab::run_checked({"mkdir", "-p", empty_root});
  start_with({nullptr, topology::host_root(empty_root)});
  EXPECT_NE(engine_->info().umem_placement_note.find(empty_root), std::string::npos)
      << engine_->info().umem_placement_note;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // poll mode, 10 ms timeout: it has slept
  EXPECT_EQ(engine_->stats().queues.at(0).sleeps, 0u);
  engine_.reset();
  lab::run_checked({"rmdir", empty_root});
}

TEST_F(EngineHost, TheRealRootSeesTheWorkerSleep) {
  start_with({});
  EXPECT_EQ(engine_->info().umem_placement_note.find("unknown"), std::string::npos)
      << engine_->info().umem_placement_note;
  EXPECT_TRUE(wait_until([&] { return engine_->stats().queues.at(0).sleeps > 0; }, std::chrono::seconds(2)))
      << "a poll-mode worker with nothing to do sleeps every 10 ms; /proc/<tid>/status should say so";
}

TEST_F(EngineHost, KicksOnADownedInterfaceAreCountedAsFailures) {
  engine_config c = lab_config();
  c.worker.wait = wait_mode::busy;
  c.xsk.busy_poll_usec = 20;  // busy polling kicks on every idle spin
  {
    lab::netns_scope in_dut(lab_->dut_ns());
    engine_.emplace(engine::start(c));
  }
  lab::run_checked({"ip", "-n", lab_->dut_ns(), "link", "set", "dev", lab_->dut_if(), "down"});
  const bool failed = wait_until([&] { return engine_->stats().total().kick_errors > 0; }, std::chrono::seconds(2));
  lab::run_checked({"ip", "-n", lab_->dut_ns(), "link", "set", "dev", lab_->dut_if(), "up"});
  ASSERT_TRUE(failed) << "kicks " << engine_->stats().total().rx_wakeups << ", retries "
                      << engine_->stats().total().kick_retries;
  EXPECT_EQ(engine_->stats().total().last_kick_error, ENETDOWN);
}

}  // namespace
}  // namespace xdpkit::testing
