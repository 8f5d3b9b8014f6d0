// SPDX-License-Identifier: Apache-2.0
// AF_XDP receive on a veth lab: the XDP program steers every packet of queue 0
// to the worker's socket, and every packet sent is counted exactly once at
// each stage (program rx = redirected = worker rx = dropped by rxdrop).
#include <gtest/gtest.h>

#include <sched.h>
#include <unistd.h>

#include <iostream>

#include "lab_fixture.hpp"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/base/os_error.hpp"

namespace xdpkit::testing {
namespace {

class AfXdpRx : public LabTest {};

TEST_F(AfXdpRx, ReceivesExactlyTheNPacketsSent) {
  constexpr std::uint64_t n = 20000;
  start_engine(handler_kind::rxdrop);
  ASSERT_EQ(send_paced(n), n) << "the XDP program must see every paced packet";
  ASSERT_TRUE(wait_until([&] { return engine_->stats().total().rx_packets >= n; }, std::chrono::seconds(5)))
      << "worker rx " << engine_->stats().total().rx_packets << " of " << n << ", redirected "
      << engine_->stats().program.redirected << ", kernel drops " << engine_->stats().kernel_drops();
  engine_->stop();
  const engine_stats s = engine_->stats();
  EXPECT_EQ(s.program.rx_packets, n);
  EXPECT_EQ(s.program.redirected, n);
  EXPECT_EQ(s.program.rx_bytes, n * 60);
  EXPECT_EQ(s.program.passed, 0u);
  EXPECT_EQ(s.program.dropped, 0u);
  EXPECT_EQ(s.total().rx_packets, n);
  EXPECT_EQ(s.total().dropped, n);
  EXPECT_EQ(s.total().rx_bytes, n * 60);
  EXPECT_EQ(s.kernel_drops(), 0u);
}

// Issue 12: a batch larger than the UMEM's frames (run --frames 64 --batch
// 128) received 64 packets and then nothing: the fill ring waited for more
// free frames than there are.
TEST_F(AfXdpRx, ABatchLargerThanTheFramesStillReceivesEveryPacket) {
  constexpr std::uint64_t n = 5000;
  engine_config c = lab_config();
  c.handler = handler_kind::rxdrop;
  c.umem.frame_count = 64;
  c.umem.fill_size = 64;
  c.umem.completion_size = 32;
  c.xsk.rx_size = 32;
  c.xsk.tx_size = 32;
  c.worker.batch = 128;
  start(c);
  ASSERT_EQ(send_paced(n, 16), n);
  EXPECT_TRUE(wait_until([&] { return engine_->stats().total().rx_packets + engine_->stats().kernel_drops() >= n; },
                         std::chrono::seconds(5)));
  engine_->stop();
  const engine_stats s = engine_->stats();
  EXPECT_GT(s.total().rx_packets, 64u) << "the queue stalled once its 64 frames were used";
  EXPECT_EQ(s.total().rx_packets + s.kernel_drops(), n) << "each packet is received or counted as a kernel drop";
}

// A worker in poll mode sleeps whenever its ring runs dry (between the paced
// bursts here); how often is what the receiving CPU pays wakeups for, so the
// stats say it: read live from /proc while it runs, from getrusage at its end.
TEST_F(AfXdpRx, APollingWorkerSaysHowOftenItSlept) {
  constexpr std::uint64_t n = 4000;
  start_engine(handler_kind::rxdrop);
  ASSERT_EQ(send_paced(n), n);
  ASSERT_TRUE(wait_until([&] { return engine_->stats().total().rx_packets >= n; }, std::chrono::seconds(5)));
  const std::uint64_t live = engine_->stats().queues.at(0).sleeps;
  EXPECT_GT(live, 0u) << "a poll-mode worker fed in bursts must have slept between them";
  EXPECT_GT(engine_->stats().queues.at(0).worker.polls, 0u);
  engine_->stop();
  const std::uint64_t final_count = engine_->stats().queues.at(0).sleeps;
  EXPECT_GE(final_count, live) << "the count at exit is the thread's own (getrusage), never below what /proc said";
}

TEST_F(AfXdpRx, ReportsTheModeItAttachedIn) {
  start_engine(handler_kind::rxdrop);
  // veth has native XDP; the automatic request must not fall back.
  EXPECT_EQ(engine_->info().mode, xdp_mode::native);
  EXPECT_TRUE(engine_->info().mode_fallback.empty());
  EXPECT_FALSE(engine_->info().zero_copy) << "veth has no zero-copy AF_XDP";
}

// veth delivers a redirected frame to rx queue (sending CPU % queues), so a
// sender on CPU 1 of a two-queue pair lands on queue 1, which has no socket.
class NoSocketPolicy : public LabTest, public ::testing::WithParamInterface<no_socket_policy> {
 protected:
  void SetUp() override {
    require_root();
    if (IsSkipped()) return;
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs 2 CPUs to steer to a second veth queue";
    lab::veth_lab_options o;
    o.prefix = "xktest";
    o.queues = 2;
    lab_.emplace(lab::veth_lab::create(o));
  }
};

TEST_P(NoSocketPolicy, PacketsOfAQueueWithoutSocketFollowThePolicy) {
  constexpr std::uint64_t n = 1000;
  start_engine(handler_kind::rxdrop, page_policy::normal, GetParam());
  ASSERT_EQ(send_paced(n, 200, /*cpu=*/1), n);
  const engine_stats s = engine_->stats();
  EXPECT_EQ(s.program.rx_packets, n);
  EXPECT_EQ(s.program.redirected, 0u);
  EXPECT_EQ(s.program.passed, GetParam() == no_socket_policy::pass ? n : 0u);
  EXPECT_EQ(s.program.dropped, GetParam() == no_socket_policy::drop ? n : 0u);
  EXPECT_EQ(s.total().rx_packets, 0u);
}

// Issue 12: `--no-socket pass` did nothing once firewall rules were given:
// redirect-xsk on a queue without a socket dropped whatever the policy.
TEST_P(NoSocketPolicy, ARedirectXskRuleOnAQueueWithoutSocketFollowsThePolicyToo) {
  constexpr std::uint64_t n = 1000;
  start_engine(handler_kind::rxdrop, page_policy::normal, GetParam(),
               firewall::parse_rules("redirect-xsk proto udp\ndefault drop\n", "test rules"));
  ASSERT_EQ(send_paced(n, 200, /*cpu=*/1), n);
  const engine_stats s = engine_->stats();
  ASSERT_TRUE(s.firewall);
  const auto& f = *s.firewall;
  const bool pass = GetParam() == no_socket_policy::pass;
  EXPECT_EQ(f.rx, n);
  EXPECT_EQ(f.reason[XDPKIT_FW_R_NO_SOCKET], n);
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_PASS], pass ? n : 0u) << "--no-socket pass hands them to the stack";
  EXPECT_EQ(f.verdict[XDPKIT_FW_V_DROP], pass ? 0u : n) << "--no-socket drop drops them";
  EXPECT_EQ(f.reason[XDPKIT_FW_R_REDIRECT_FAILED], 0u) << "a missing socket is not a missing port";
  EXPECT_EQ(s.total().rx_packets, 0u);
}

INSTANTIATE_TEST_SUITE_P(PassAndDrop, NoSocketPolicy,
                         ::testing::Values(no_socket_policy::pass, no_socket_policy::drop),
                         [](const auto& info) { return info.param == no_socket_policy::pass ? "pass" : "drop"; });

TEST_F(AfXdpRx, AQueueTheInterfaceLacksIsNamedInTheError) {
  engine_config c;
  c.ifname = lab_->dut_if();
  c.queues = {5};
  c.umem.pages = page_policy::normal;
  lab::netns_scope in_dut(lab_->dut_ns());
  try {
    engine e = engine::start(c);
    FAIL() << "binding queue 5 of a one-queue veth must fail";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(lab_->dut_if() + " queue 5"), std::string::npos) << what;
    EXPECT_NE(what.find("bind AF_XDP socket"), std::string::npos) << what;
  }
}

// Issue 12: a 9000-byte MTU gave only "Numerical result out of range". The
// error says it is the MTU, what it is, and near what XDP without
// multi-buffer caps it.
TEST_F(AfXdpRx, AJumboMtuIsNamedAsTheReasonXdpIsRefused) {
  for (const auto& [ns, ifname] : {std::pair{lab_->dut_ns(), lab_->dut_if()}, std::pair{lab_->gen_ns(), lab_->gen_if()}})
    ASSERT_EQ(lab::run_command({"ip", "-n", ns, "link", "set", "dev", ifname, "mtu", "9000"}).status, 0);
  try {
    start_engine(handler_kind::rxdrop);
    FAIL() << "veth refuses single-buffer XDP at MTU 9000";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), ERANGE) << e.what();
    EXPECT_NE(e.hint().find(lab_->dut_if() + "'s MTU is 9000"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("caps the MTU near 3500"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(engine_);
}

TEST_F(AfXdpRx, UnknownInterfaceIsNamedInTheError) {
  engine_config c;
  c.ifname = "xk-no-such-if";
  lab::netns_scope in_dut(lab_->dut_ns());
  try {
    engine e = engine::start(c);
    FAIL() << "an unknown interface must fail";
  } catch (const os_error& e) {
    EXPECT_NE(std::string(e.what()).find("xk-no-such-if"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xdpkit::testing

namespace xdpkit::testing {
namespace {

class BusyPollAndFifo : public LabTest {};

// The socket options are accepted on veth (its NAPI id stays 0, a measured fact
// of veth), the worker runs SCHED_FIFO, and counting stays exact.
TEST_F(BusyPollAndFifo, CountsStayExactWithBusyPollingAndARealtimeWorker) {
  engine_config c = lab_config();
  c.xsk.busy_poll_usec = 50;
  c.worker.fifo_priority = 1;
  start(c);
  constexpr std::uint64_t n = 5000;
  ASSERT_EQ(send_paced(n), n);
  ASSERT_TRUE(wait_until([&] { return engine_->stats().total().rx_packets >= n; }, std::chrono::seconds(5)));
  const auto s = engine_->stats();
  EXPECT_EQ(s.total().rx_packets, n);
  ASSERT_EQ(s.queues.size(), 1u);
  EXPECT_EQ(s.queues[0].sched_policy, SCHED_FIFO);
  EXPECT_EQ(s.queues[0].napi_id, 0u) << "veth gives AF_XDP sockets no NAPI id";
}

}  // namespace
}  // namespace xdpkit::testing
