// SPDX-License-Identifier: Apache-2.0
// Multi-buffer (issue 13, item 3): a veth lab with an MTU of 9,000. Without
// --multi-buffer the attach is refused with the single-buffer limit named;
// with it, each 9,000-byte frame reaches the handler as one packet of several
// buffers, byte for byte, and a tx verdict sends it back out whole.
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "cli_child.hpp"
#include "lab_fixture.hpp"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/forward/afxdp_forwarder.hpp"
#include "xdpkit/forward/xdp_forwarder.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/forward_lab.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/packet_builder.hpp"
#include "xdpkit/lab/xdp_sink.hpp"
#include "xdpkit/userspace/handler.hpp"

namespace xdpkit::testing {
namespace {

constexpr std::uint32_t jumbo_len = 9000;

class MultiBuffer : public LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    // Live frames and tc-clone's BPF_PROG_RUN take one page per frame.
    if (generator_ != lab::generator_kind::af_packet)
      GTEST_SKIP() << "jumbo frames are sent with af-packet only (live frames and tc-clone take one page a frame)";
    for (const auto& [ns, ifname] : {std::pair{lab_->gen_ns(), lab_->gen_if()}, std::pair{lab_->dut_ns(), lab_->dut_if()}}) {
      const auto r = lab::run_command({"ip", "-n", ns, "link", "set", "dev", ifname, "mtu", std::to_string(jumbo_len)});
      ASSERT_EQ(r.status, 0) << r.output;
    }
  }
  void TearDown() override {
    gen_sink_.reset();
    LabTest::TearDown();
  }
  // The lab's UDP frame at 9,000 bytes, its payload a pattern (so a buffer
  // out of order or repeated shows).
  std::vector<std::uint8_t> jumbo(std::uint16_t dport = 9) const {
    lab::udp4_frame_spec spec;
    spec.dst_port = dport;
    spec.src_mac = lab_->gen_mac();
    spec.dst_mac = lab_->dut_mac();
    spec.src_ip = lab_->gen_ip();
    spec.dst_ip = lab_->unowned_ip();
    spec.frame_len = jumbo_len;
    auto f = lab::build_udp4_frame(spec);
    for (std::size_t i = 42; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    return f;
  }
  std::optional<lab::xdp_sink> gen_sink_;
};

// Checks each packet against the frame sent, counts buffers, and gives `v`.
struct jumbo_checker {
  const std::vector<std::uint8_t>* want;
  std::atomic<std::uint64_t>* whole;
  std::atomic<std::uint64_t>* buffers;
  verdict v;
  void operator()(std::span<const packet> batch, std::span<verdict> out) noexcept {
    for (std::size_t k = 0; k < batch.size(); ++k) {
      const packet& p = batch[k];
      std::vector<std::uint8_t> got(p.data, p.data + p.len);
      for (const segment& s : p.more) got.insert(got.end(), s.data, s.data + s.len);
      if (got == *want && p.total_len() == want->size()) whole->fetch_add(1, std::memory_order_relaxed);
      buffers->fetch_add(1 + p.more.size(), std::memory_order_relaxed);
      out[k] = v;
    }
  }
};
static_assert(packet_handler<jumbo_checker>);

TEST_F(MultiBuffer, AnMtuOverOnePageIsRefusedWithTheLimitNamed) {
  cli_child run({"run", "--iface", lab_->dut_if(), "--pages", "normal", "--duration", "1"},
                {"ip", "netns", "exec", lab_->dut_ns()});
  EXPECT_EQ(run.wait_exit(), 1) << run.output();
  EXPECT_NE(run.output().find("MTU is 9000"), std::string::npos) << run.output();
  EXPECT_NE(run.output().find("veth: 3506"), std::string::npos) << "the limit named: " << run.output();
  EXPECT_NE(run.output().find("--multi-buffer"), std::string::npos) << "and the way out: " << run.output();
  const auto link = lab::run_command({"ip", "-n", lab_->dut_ns(), "link", "show", "dev", lab_->dut_if()});
  EXPECT_EQ(link.output.find("xdp"), std::string::npos) << "nothing stays attached: " << link.output;
}

TEST_F(MultiBuffer, AJumboFrameReachesTheHandlerAsOnePacketOfSeveralBuffersAndGoesBackOutWhole) {
  {
    lab::netns_scope in(lab_->gen_ns());
    gen_sink_.emplace(lab::xdp_sink::attach(lab_->gen_if(), true));  // counts what comes back, whole
  }
  const auto frame = jumbo();
  std::atomic<std::uint64_t> whole{0}, buffers{0};
  engine_config c = lab_config();
  c.xsk.multi_buffer = true;
  c.steer.multi_buffer = true;
  c.make_worker = run_handler(jumbo_checker{&frame, &whole, &buffers, verdict::tx});
  start(c);
  constexpr std::uint64_t n = 300;
  EXPECT_EQ(send_paced_frame(frame, n, 50), n);
  EXPECT_TRUE(wait_until([&] { return gen_sink_->packets() >= n; }, std::chrono::seconds(5)));
  EXPECT_EQ(whole.load(), n) << "every frame whole and byte for byte in one packet";
  EXPECT_GE(buffers.load(), 3 * n) << "9,000 bytes take at least three 4 KiB buffers";
  const auto s = engine_->stats().total();
  EXPECT_EQ(s.rx_packets, n) << "counted as frames, not buffers";
  EXPECT_EQ(s.rx_bytes, n * jumbo_len);
  EXPECT_TRUE(wait_until([&] { return engine_->stats().total().tx_packets >= n; }, std::chrono::seconds(2)));
  EXPECT_EQ(engine_->stats().total().tx_packets, n) << "frames transmitted, each counted once";
  EXPECT_EQ(gen_sink_->packets(), n) << "every frame came back";
  EXPECT_EQ(gen_sink_->bytes(), n * jumbo_len) << "whole";
  EXPECT_EQ(engine_->stats().kernel_drops(), 0u);
}

// The firewall's xdp.frags variant parses the headers in the first buffer and
// decides for the whole frame: port 9 to the worker (whole), port 53 dropped.
TEST_F(MultiBuffer, TheFirewallDecidesForTheWholeFrameOnItsFirstBuffer) {
  const auto to_worker = jumbo(9), to_drop = jumbo(53);
  std::atomic<std::uint64_t> whole{0}, buffers{0};
  engine_config c = lab_config();
  c.xsk.multi_buffer = true;
  c.steer.multi_buffer = true;
  c.firewall = firewall::parse_rules("redirect-xsk proto udp dport 9\ndrop proto udp dport 53\ndefault pass\n", "mb rules");
  c.make_worker = run_handler(jumbo_checker{&to_worker, &whole, &buffers, verdict::drop});
  start(c);
  ASSERT_EQ(engine_->info().program, "firewall");
  EXPECT_EQ(send_paced_frame(to_worker, 200, 50), 200u);
  EXPECT_EQ(send_paced_frame(to_drop, 100, 50), 100u);
  EXPECT_TRUE(wait_until([&] { return whole.load() >= 200; }, std::chrono::seconds(5)))
      << "whole " << whole << ", buffers " << buffers << ", worker rx " << engine_->stats().total().rx_packets
      << ", kernel drops " << engine_->stats().kernel_drops();
  engine_->stop();
  const engine_stats s = engine_->stats();
  ASSERT_TRUE(s.firewall);
  EXPECT_EQ(s.firewall->verdict[XDPKIT_FW_V_REDIRECT], 200u);
  EXPECT_EQ(s.firewall->verdict[XDPKIT_FW_V_DROP], 100u) << "the port-53 rule, read in the first buffer";
  EXPECT_EQ(whole.load(), 200u) << "each redirected frame reached the worker whole";
  EXPECT_EQ(s.total().rx_bytes, 200u * jumbo_len);
}

// Both forwarding paths with --multi-buffer on a lab of three namespaces,
// every interface at MTU 9,000: N jumbo frames from the left reach the right
// end whole (the far end's xdp.frags sink counts their full length).
class MultiBufferForward : public ::testing::Test {
 protected:
  void SetUp() override {
    require_root();
    if (IsSkipped()) return;
    require_generator(generator_);
    if (IsSkipped()) return;
    if (generator_ != lab::generator_kind::af_packet)
      GTEST_SKIP() << "jumbo frames are sent with af-packet only (live frames and tc-clone take one page a frame)";
    lab_.emplace(lab::forward_lab::create("xkfmb"));
    for (const auto& [ns, ifname] : {std::pair{lab_->left_ns(), lab_->left_if()}, std::pair{lab_->fwd_ns(), lab_->fwd_a()},
                                     std::pair{lab_->fwd_ns(), lab_->fwd_b()}, std::pair{lab_->right_ns(), lab_->right_if()}}) {
      const auto r = lab::run_command({"ip", "-n", ns, "link", "set", "dev", ifname, "mtu", std::to_string(jumbo_len)});
      ASSERT_EQ(r.status, 0) << r.output;
    }
    lab::netns_scope in(lab_->right_ns());
    right_sink_.emplace(lab::xdp_sink::attach(lab_->right_if(), true));
  }
  void TearDown() override {
    afxdp_.reset();
    xdp_.reset();
    right_sink_.reset();
    lab_.reset();
  }
  std::vector<std::uint8_t> jumbo_left() const {
    auto f = lab_->left_frame(9, jumbo_len);
    for (std::size_t i = 42; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i * 13);  // a buffer out of order shows
    return f;
  }
  std::uint64_t send_left(std::uint64_t count) {
    lab::netns_scope in(lab_->left_ns());
    auto gen = lab::make_generator(generator_, lab_->left_if(), jumbo_left());
    std::uint64_t sent = 0;
    while (sent < count) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(50, count - sent));
      gen->send(n);
      sent += n;
      if (!wait_until([&] { return right_sink_->packets() >= sent; }, std::chrono::seconds(2))) break;
    }
    return right_sink_->packets();
  }
  lab::generator_kind generator_ = lab::generator_kind::af_packet;
  std::optional<lab::forward_lab> lab_;
  std::optional<lab::xdp_sink> right_sink_;
  std::optional<forward::afxdp_forwarder> afxdp_;
  std::optional<forward::xdp_forwarder> xdp_;
};

TEST_F(MultiBufferForward, TheAfXdpPathForwardsJumboFramesWhole) {
  {
    lab::netns_scope in(lab_->fwd_ns());
    forward::afxdp_forwarder_config c;
    c.a = lab_->fwd_a();
    c.b = lab_->fwd_b();
    c.umem.pages = page_policy::normal;
    c.wait = wait_mode::poll;
    c.poll_timeout_ms = 10;
    c.xsk.multi_buffer = true;
    c.steer.multi_buffer = true;
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1) c.cpus = {1};
    afxdp_.emplace(forward::afxdp_forwarder::start(c));
  }
  constexpr std::uint64_t n = 400;
  EXPECT_EQ(send_left(n), n);
  EXPECT_EQ(right_sink_->bytes(), n * jumbo_len) << "whole frames";
  afxdp_->stop();
  const auto s = afxdp_->stats();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].a_to_b.rx_packets, n) << "frames, not buffers";
  EXPECT_EQ(s[0].a_to_b.rx_bytes, n * jumbo_len);
  EXPECT_EQ(s[0].a_to_b.tx_packets, n) << "frames transmitted, each counted once";
  ASSERT_TRUE(s[0].frames_accounted);
  EXPECT_EQ(*s[0].frames_accounted, s[0].frames) << s[0].accounting_error;
}

TEST_F(MultiBufferForward, TheXdpPathForwardsJumboFramesWhole) {
  {
    lab::netns_scope in(lab_->fwd_ns());
    forward::xdp_forwarder_config c{lab_->fwd_a(), lab_->fwd_b(), xdp_mode_request::automatic};
    c.multi_buffer = true;
    xdp_.emplace(forward::xdp_forwarder::start(c));
  }
  constexpr std::uint64_t n = 400;
  EXPECT_EQ(send_left(n), n);
  EXPECT_EQ(right_sink_->bytes(), n * jumbo_len) << "whole frames";
  const auto s = xdp_->stats();
  EXPECT_EQ(s[0].counters.rx_packets, n);
  EXPECT_EQ(s[0].counters.rx_bytes, n * jumbo_len) << "the xdp.frags program counts the whole frame";
  EXPECT_EQ(s[0].counters.forwarded, n);
}

}  // namespace
}  // namespace xdpkit::testing
