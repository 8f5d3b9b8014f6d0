// SPDX-License-Identifier: Apache-2.0
// The lab's generator backends on a real veth lab (each CTest run of this
// binary drives the backend XDPKIT_LAB_GENERATOR names), and a lab's cleanup
// after a dead process.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "lab_fixture.hpp"
#include "kernel_expect.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns_veth.hpp"

namespace xdpkit::testing {
namespace {

class Generator : public LabTest {
 protected:
  std::unique_ptr<lab::frame_generator> make() {
    return lab::make_generator(generator_, lab_->gen_if(), lab_->udp_frame());
  }
};

TEST_F(Generator, IsTheBackendTheRunAskedFor) {
  lab::netns_scope in_gen(lab_->gen_ns());
  EXPECT_EQ(make()->kind(), generator_);
  if (const auto wanted = lab::generator_choice_from_env()) {
    EXPECT_EQ(generator_, *wanted);
  }
}

// No pacing: 50,000 frames as fast as the backend goes, far more than the
// veth's 256-frame ring holds. The skb backends see the refusals and send
// those frames again, so the XDP program sees exactly N; live frames cannot
// know what the ring dropped, so they may lose some, never add any.
TEST_F(Generator, SendsExactlyNUnpacedAndCountsWhatTheVethRefused) {
  constexpr std::uint64_t n = 50000;
  start_engine(handler_kind::rxdrop);
  std::uint64_t refused = 0;
  {
    lab::netns_scope in_gen(lab_->gen_ns());
    auto gen = make();
    gen->send(n);
    refused = gen->refused();
  }
  wait_until([&] { return program_rx() >= n; }, std::chrono::seconds(3));
  if (generator_ == lab::generator_kind::live) {
    EXPECT_LE(program_rx(), n);
    EXPECT_EQ(refused, 0u) << "live frames cannot see refusals";
  } else {
    EXPECT_EQ(program_rx(), n) << "refused " << refused << " (sent again)";
  }
  std::cout << "[ generator ] " << lab::to_string(generator_) << ": " << n << " sent unpaced, " << refused
            << " refused by the veth and sent again, " << program_rx() << " seen by XDP\n";
}

// With the receiving end down the veth refuses every frame: the skb backends
// count each refusal, send nothing, and give up after 2 s with an error that
// names the interface, instead of spinning or counting refused frames as sent.
TEST_F(Generator, AFrameTheVethRefusesIsCountedAndNotSent) {
  if (generator_ == lab::generator_kind::live) GTEST_SKIP() << "live frames cannot see refusals (nothing to count)";
  lab::run_checked({"ip", "-n", lab_->dut_ns(), "link", "set", "dev", lab_->dut_if(), "down"});
  lab::netns_scope in_gen(lab_->gen_ns());
  auto gen = make();
  std::atomic<bool> stop{false};
  EXPECT_EQ(gen->send_until(stop, 500, 0.5), 0u) << "nothing the veth refused counts as sent";
  EXPECT_GT(gen->refused(), 0u);
  try {
    gen->send(10);
    ADD_FAILURE() << "send() must give up when nothing is accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(lab_->gen_if()), std::string::npos) << e.what();
  }
}

// send_until stops at its packet bound exactly, and at its time bound.
TEST_F(Generator, SendUntilHoldsItsBounds) {
  start_engine(handler_kind::rxdrop);
  lab::netns_scope in_gen(lab_->gen_ns());
  auto gen = make();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> sent{0};
  EXPECT_EQ(gen->send_until(stop, 1000, 30, &sent), 1000u);
  EXPECT_EQ(sent.load(), 1000u);
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t timed = gen->send_until(stop, ~0ull, 0.3);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GT(timed, 0u);
  EXPECT_LT(secs, 3.0) << "a time bound of 0.3 s must stop the generator well within seconds";
  stop.store(true);
  EXPECT_EQ(gen->send_until(stop, ~0ull, 30), 0u) << "a set stop flag sends nothing";
}

// A rate bound is an upper bound by construction: never more than the rate
// allows by each moment plus 1 ms ahead (a ceiling, not a timing assertion;
// how close below it the backend gets depends on the machine).
TEST_F(Generator, ARateIsNeverExceeded) {
  start_engine(handler_kind::rxdrop);
  lab::netns_scope in_gen(lab_->gen_ns());
  auto gen = make();
  std::atomic<bool> stop{false};
  constexpr double rate = 50'000, seconds = 0.4;
  const std::uint64_t sent = gen->send_until(stop, ~0ull, seconds, nullptr, rate);
  EXPECT_GT(sent, 0u);
  EXPECT_LE(sent, static_cast<std::uint64_t>((seconds + 0.001) * rate) + 1);
}

TEST(GeneratorProbe, SaysWhyABackendIsRefused) {
  require_root();
  if (::testing::Test::IsSkipped()) return;
  const lab::generator_support& s = lab::probe_generators();
  for (lab::generator_kind k : lab::all_generator_kinds) {
    const auto& e = s.of(k);
    std::cout << "[ probe ] " << lab::to_string(k) << ": " << (e.usable ? "usable" : "refused: " + e.why_not) << "\n";
    if (!e.usable) {
      EXPECT_FALSE(e.why_not.empty()) << lab::to_string(k);
      if (e.missing) testing::expect_explained_by_kernel_age(*e.missing);
    }
  }
  EXPECT_TRUE(s.af_packet.usable) << "AF_PACKET needs only CAP_NET_RAW: " << s.af_packet.why_not;
}

// A pid that is certainly dead: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t p = fork();
  if (p == 0) _exit(0);
  waitpid(p, nullptr, 0);
  return p;
}

TEST(LabCleanup, ANewLabRemovesWhatADeadProcessLabLeft) {
  require_root();
  if (::testing::Test::IsSkipped()) return;
  const std::string stale = "xktest" + std::to_string(dead_pid()) + "g0";
  lab::run_checked({"ip", "netns", "add", stale});
  lab::veth_lab_options o;
  o.prefix = "xktest";
  {
    lab::veth_lab lab = lab::veth_lab::create(o);
    EXPECT_FALSE(lab::netns_exists(stale)) << "the new lab must remove " << stale;
    EXPECT_NE(std::find(lab.stale_removed().begin(), lab.stale_removed().end(), stale), lab.stale_removed().end());
  }
  if (lab::netns_exists(stale)) lab::run_command({"ip", "netns", "del", stale});
}

TEST(LabCleanup, ANewNetnsVethRemovesWhatADeadProcessLeft) {
  require_root();
  if (::testing::Test::IsSkipped()) return;
  const std::string stale = "xkte" + std::to_string(dead_pid()) + "n0";
  lab::run_checked({"ip", "netns", "add", stale});
  { lab::netns_veth v = lab::netns_veth::create(1); }
  EXPECT_FALSE(lab::netns_exists(stale));
  if (lab::netns_exists(stale)) lab::run_command({"ip", "netns", "del", stale});
}

}  // namespace
}  // namespace xdpkit::testing
