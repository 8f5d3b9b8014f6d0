// SPDX-License-Identifier: Apache-2.0
// The firewall program under BPF_PROG_RUN, beside its C++ reference model.
//
// Matrix: packet tables (a readable case for every parsing branch and every
// rule condition), a differential run over >= 1,000,000 packets (random bytes,
// valid packets with random fields, every truncation of valid packets, IPv6
// extension chains in every order, VLAN stacks, fragments) against random rule
// sets, and rule-set replacement under load. A mismatch prints the frame as
// hex so it can be replayed.
#include <gtest/gtest.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <sstream>
#include <thread>

#include "frame_builder.hpp"
#include "xdpkit/firewall/firewall_program.hpp"
#include "xdpkit/firewall/model.hpp"

namespace xdpkit::testing {
namespace {

using namespace xdpkit::firewall;

constexpr std::uint32_t XDP_DROP_ = 1, XDP_PASS_ = 2, XDP_TX_ = 3;

std::string hex(const std::vector<std::uint8_t>& f) {
  std::ostringstream o;
  for (auto b : f) o << std::hex << (b >> 4) << (b & 0xf);
  return o.str();
}

struct outcome {
  std::uint32_t action, reason, rule;
  bool operator==(const outcome&) const = default;
};

std::ostream& operator<<(std::ostream& o, const outcome& v) {
  return o << "{xdp " << v.action << ", reason " << v.reason << ", rule " << static_cast<int>(v.rule) << "}";
}

// One BPF_PROG_RUN of `f` through `prog`, and what its `last` map recorded
// (per CPU: the caller runs on one CPU).
outcome run_once(const firewall_program& prog, const std::vector<std::uint8_t>& f) {
  std::vector<std::uint8_t> out(f.size() + 256);
  LIBBPF_OPTS(bpf_test_run_opts, o);
  o.data_in = f.data();
  o.data_size_in = static_cast<__u32>(f.size());
  o.data_out = out.data();
  o.data_size_out = static_cast<__u32>(out.size());
  o.repeat = 1;
  if (bpf_prog_test_run_opts(prog.program_fd(), &o)) {
    ADD_FAILURE() << "BPF_PROG_RUN failed: " << strerror(errno) << " for " << hex(f);
    return {};
  }
  const auto l = prog.last();
  return {o.retval, l.reason, l.rule_id};
}

class Firewall : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // `last` is per CPU: run and read on one CPU.
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    prog_ = new firewall_program(firewall_program::load({.record_last = true}));
  }
  static void TearDownTestSuite() {
    delete prog_;
    prog_ = nullptr;
  }

  void install(const std::string& text) {
    rules_ = parse_rules(text, "test");
    prog_->apply(compile(rules_));
  }

  outcome run_bpf(const std::vector<std::uint8_t>& f) { return run_once(*prog_, f); }

  outcome run_model(const std::vector<std::uint8_t>& f) {
    const auto v = evaluate(rules_, f);
    return {v.xdp_action, v.reason, v.rule_id};
  }

  void expect(const std::vector<std::uint8_t>& f, outcome want, const std::string& what) {
    EXPECT_EQ(run_bpf(f), want) << what << " (program)\n  frame " << hex(f);
    EXPECT_EQ(run_model(f), want) << what << " (model)\n  frame " << hex(f);
  }

  static inline firewall_program* prog_ = nullptr;
  rule_set rules_;
};

constexpr std::uint32_t none = 0xffffffffu;

TEST_F(Firewall, ParsingBranches) {
  install("drop proto udp dport 53\n");
  const outcome drop53{XDP_DROP_, XDPKIT_FW_R_RULE, 0};
  const outcome pass_default{XDP_PASS_, XDPKIT_FW_R_DEFAULT, none};
  auto bad = [](std::uint32_t reason) { return outcome{XDP_DROP_, reason, none}; };

  expect(frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17).udp(1000, 53).finish(), drop53, "IPv4 UDP to 53");
  expect(frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17).udp(1000, 54).finish(), pass_default, "other port");
  expect(frame_builder().eth().vlan(5).ipv4("10.0.0.1", "10.0.0.2", 17).udp(1, 53).finish(), drop53, "one VLAN tag");
  expect(frame_builder().eth().vlan(5, 0x88a8).vlan(6).ipv4("10.0.0.1", "10.0.0.2", 17).udp(1, 53).finish(), drop53,
         "QinQ");
  expect(frame_builder().eth().vlan(5).vlan(6).vlan(7).ipv4("10.0.0.1", "10.0.0.2", 17).udp(1, 53).finish(),
         bad(XDPKIT_FW_R_BAD_VLAN), "three VLAN tags");
  expect(frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17, 3).udp(1, 53).finish(), drop53, "IPv4 with options");
  expect(frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17, 0, 100).udp(1, 53).finish(), pass_default,
         "non-first fragment has no ports");
  expect(frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17, 0, 0, true).udp(1, 53).finish(), drop53,
         "first fragment has its ports");
  expect(frame_builder().eth().ipv6("2001:db8::1", "2001:db8::2", 17).udp(1, 53).finish(), drop53, "IPv6 UDP");
  expect(frame_builder().eth().ipv6("2001:db8::1", "2001:db8::2", 17).ipv6_ext(0, 43).ipv6_ext(43, 60, 1)
             .ipv6_ext(60, 51).ipv6_ext(51, 17, 1).udp(1, 53).finish(),
         drop53, "IPv6 HBH, routing, dest-opts, AH");
  expect(frame_builder().eth().ipv6("2001:db8::1", "2001:db8::2", 17).ipv6_ext(44, 17, 0, 0).udp(1, 53).finish(),
         drop53, "IPv6 first fragment");
  expect(frame_builder().eth().ipv6("2001:db8::1", "2001:db8::2", 17).ipv6_ext(44, 17, 0, 7).payload(16).finish(),
         pass_default, "IPv6 later fragment");
  {
    frame_builder b;
    b.eth().ipv6("2001:db8::1", "2001:db8::2", 17);
    for (int i = 0; i < 7; ++i) b.ipv6_ext(60, 60);
    expect(b.udp(1, 53).finish(), bad(XDPKIT_FW_R_BAD_IPV6_EXT), "seven extension headers");
  }
  expect(frame_builder().eth().ethertype(0x0806).payload(28).finish(), outcome{XDP_PASS_, XDPKIT_FW_R_NOT_IP, none},
         "ARP is not IP");

  auto f = frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17).udp(1, 53).finish();
  auto cut = f;
  cut.resize(14 + 19);
  expect(cut, bad(XDPKIT_FW_R_BAD_IPV4), "IPv4 header cut short");
  cut = f;
  cut[14] = 0x44;  // IHL 4
  expect(cut, bad(XDPKIT_FW_R_BAD_IPV4), "IHL below 5");
  cut = f;
  cut[14] = 0x55;  // version 5
  expect(cut, bad(XDPKIT_FW_R_BAD_IPV4), "version not 4");
  cut = f;
  cut[17] = 200;  // total length beyond the frame
  expect(cut, bad(XDPKIT_FW_R_BAD_IPV4), "IPv4 total length beyond the frame");
  cut = f;
  cut.resize(14 + 20 + 7);
  cut[17] = 27;
  expect(cut, bad(XDPKIT_FW_R_BAD_L4), "UDP header cut short");
  auto t = frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 6).tcp(1, 53, 4).finish();
  expect(t, bad(XDPKIT_FW_R_BAD_L4), "TCP data offset below 5");
  auto v6 = frame_builder().eth().ipv6("2001:db8::1", "2001:db8::2", 17).udp(1, 53).finish();
  v6[19] = 200;  // payload length beyond the frame
  expect(v6, bad(XDPKIT_FW_R_BAD_IPV6), "IPv6 payload beyond the frame");
}

TEST_F(Firewall, RuleConditionsAndPrecedence) {
  install(
      "pass src 192.168.1.0/24 dst 10.1.0.0/16\n"   // 0
      "drop dst 10.1.0.0/16\n"                     // 1
      "tx dst 10.0.0.0/8 proto tcp dport 80-90\n"  // 2
      "drop vlan 7\n"                              // 3
      "redirect-xsk proto sctp\n"                  // 4
      "drop family ipv6 proto icmpv6\n"            // 5
      "default drop\n"
      "non-ip drop\n");
  auto v4 = [](const char* s, const char* d) { return frame_builder().eth().ipv4(s, d, 17).udp(1, 2).finish(); };
  expect(v4("192.168.1.9", "10.1.2.3"), {XDP_PASS_, XDPKIT_FW_R_RULE, 0}, "src and dst match rule 0");
  expect(v4("192.168.2.9", "10.1.2.3"), {XDP_DROP_, XDPKIT_FW_R_RULE, 1}, "src misses: rule 1, same prefix");
  expect(frame_builder().eth().ipv4("1.1.1.1", "10.1.2.3", 6).tcp(1, 85).finish(), {XDP_DROP_, XDPKIT_FW_R_RULE, 1},
         "longest prefix first: /16 beats the /8 tcp rule");
  expect(frame_builder().eth().ipv4("1.1.1.1", "10.2.2.3", 6).tcp(1, 85).finish(), {XDP_TX_, XDPKIT_FW_R_RULE, 2},
         "/8 port range");
  expect(frame_builder().eth().ipv4("1.1.1.1", "10.2.2.3", 6).tcp(1, 91).finish(), {XDP_DROP_, XDPKIT_FW_R_DEFAULT, none},
         "port outside the range: default");
  expect(frame_builder().eth().vlan(7).ipv4("1.1.1.1", "8.8.8.8", 17).udp(1, 2).finish(),
         {XDP_DROP_, XDPKIT_FW_R_RULE, 3}, "VLAN 7");
  expect(frame_builder().eth().ipv4("1.1.1.1", "8.8.8.8", 132).sctp(1, 2).finish(),
         {XDP_DROP_, XDPKIT_FW_R_NO_SOCKET, 4}, "redirect-xsk without a socket: the no-socket action (drop), counted");
  expect(frame_builder().eth().ipv6("::1", "::2", 58).icmp(128).finish(), {XDP_DROP_, XDPKIT_FW_R_RULE, 5}, "ICMPv6");
  expect(frame_builder().eth().ethertype(0x88cc).payload(40).finish(), {XDP_DROP_, XDPKIT_FW_R_NOT_IP, none},
         "non-ip drop");
}

// Issue 12: what redirect-xsk does without a socket follows --no-socket in
// the firewall as in the steering program; the model agrees.
TEST(FirewallNoSocket, PassWhenThePolicyIsPass) {
  auto prog = firewall_program::load({.record_last = true, .no_socket_pass = true});
  const auto rules = parse_rules("redirect-xsk proto udp\n", "test");
  prog.apply(compile(rules));
  const auto f = frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17).udp(1, 2).finish();
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);  // `last` is per CPU
  const outcome got = run_once(prog, f);
  EXPECT_EQ(got.action, XDP_PASS_);
  EXPECT_EQ(got.reason, XDPKIT_FW_R_NO_SOCKET);
  model_env env;
  env.no_socket_pass = true;
  const auto v = evaluate(rules, f, env);
  EXPECT_EQ(v.xdp_action, XDP_PASS_);
  EXPECT_EQ(v.reason, XDPKIT_FW_R_NO_SOCKET);
}

TEST_F(Firewall, TxSwapsMacs) {
  install("tx proto udp\n");
  auto f = frame_builder().eth().ipv4("10.0.0.1", "10.0.0.2", 17).udp(1, 2).finish();
  std::vector<std::uint8_t> out(f.size() + 256);
  LIBBPF_OPTS(bpf_test_run_opts, o);
  o.data_in = f.data();
  o.data_size_in = static_cast<__u32>(f.size());
  o.data_out = out.data();
  o.data_size_out = static_cast<__u32>(out.size());
  ASSERT_EQ(bpf_prog_test_run_opts(prog_->program_fd(), &o), 0);
  EXPECT_EQ(o.retval, XDP_TX_);
  ASSERT_EQ(o.data_size_out, f.size());
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(out[i], f[i + 6]);
    EXPECT_EQ(out[i + 6], f[i]);
  }
}

TEST_F(Firewall, CountersAddUp) {
  install("drop proto udp\ntx proto tcp\n");
  const auto before = prog_->stats();
  for (int i = 0; i < 10; ++i) run_bpf(frame_builder().eth().ipv4("1.1.1.1", "2.2.2.2", 17).udp(1, 2).finish());
  for (int i = 0; i < 5; ++i) run_bpf(frame_builder().eth().ipv4("1.1.1.1", "2.2.2.2", 6).tcp(1, 2).finish());
  for (int i = 0; i < 3; ++i) run_bpf(frame_builder().eth().ipv4("1.1.1.1", "2.2.2.2", 47).payload(20).finish());
  const auto after = prog_->stats();
  EXPECT_EQ(after.rx - before.rx, 18u);
  EXPECT_EQ(after.verdict[XDP_DROP_] - before.verdict[XDP_DROP_], 10u);
  EXPECT_EQ(after.verdict[XDP_TX_] - before.verdict[XDP_TX_], 5u);
  EXPECT_EQ(after.verdict[XDP_PASS_] - before.verdict[XDP_PASS_], 3u);
  std::uint64_t verdicts = 0, reasons = 0;
  for (auto v : after.verdict) verdicts += v;
  for (auto r : after.reason) reasons += r;
  EXPECT_EQ(verdicts, after.rx) << "rx = passed + dropped + tx + redirected (+ aborted)";
  EXPECT_EQ(reasons, after.rx) << "one reason per packet";
  EXPECT_EQ(after.action[XDPKIT_FW_DROP] - before.action[XDPKIT_FW_DROP], 10u);
  EXPECT_EQ(after.action[XDPKIT_FW_TX] - before.action[XDPKIT_FW_TX], 5u);
  EXPECT_EQ(after.action[XDPKIT_FW_PASS] - before.action[XDPKIT_FW_PASS], 3u) << "the default's";
  std::uint64_t actions = 0;
  for (auto a : after.action) actions += a;
  EXPECT_EQ(actions, after.rx) << "one chosen action per packet";
  const auto hits = prog_->rule_hits(2);
  EXPECT_GE(hits[0], 10u);
  EXPECT_GE(hits[1], 5u);
}

// A forwarder's default: what no rule names goes to the default's slot, and
// non-IP frames to the non-IP line's. A filled slot redirects (BPF_PROG_RUN
// returns XDP_REDIRECT without sending); an empty one drops, and says why.
// The action counters tell a redirect-dev from a redirect-xsk, which the
// verdicts (one XDP_REDIRECT for both) cannot.
TEST_F(Firewall, TheDefaultAndNonIpLinesSendToTheirSlots) {
  install("drop proto udp dport 53\ndefault redirect-dev 7\nnon-ip redirect-dev 8\n");
  prog_->set_port(7, 1);  // lo: BPF_PROG_RUN only looks the slot up
  const auto before = prog_->stats();
  const auto ip = frame_builder().eth().ipv4("1.1.1.1", "2.2.2.2", 17).udp(1, 2).finish();
  EXPECT_EQ(run_bpf(ip), (outcome{4, XDPKIT_FW_R_DEFAULT, none})) << "XDP_REDIRECT through slot 7";
  const auto arp = frame_builder().eth().ethertype(0x0806).payload(28).finish();
  EXPECT_EQ(run_bpf(arp), (outcome{XDP_DROP_, XDPKIT_FW_R_REDIRECT_FAILED, none})) << "slot 8 is empty";
  const auto after = prog_->stats();
  EXPECT_EQ(after.action[XDPKIT_FW_REDIRECT_DEV] - before.action[XDPKIT_FW_REDIRECT_DEV], 2u);
  EXPECT_EQ(after.reason[XDPKIT_FW_R_REDIRECT_FAILED] - before.reason[XDPKIT_FW_R_REDIRECT_FAILED], 1u);
  EXPECT_EQ(after.action[XDPKIT_FW_REDIRECT_XSK] - before.action[XDPKIT_FW_REDIRECT_XSK], 0u);
}

// ---- differential ---------------------------------------------------------

struct generator {
  std::mt19937_64 rng;
  explicit generator(std::uint64_t seed) : rng(seed) {}
  std::uint32_t u(std::uint32_t n) { return static_cast<std::uint32_t>(rng() % n); }

  // Addresses from small pools, so rules and packets collide and prefixes nest.
  std::string v4() {
    static const char* pool[] = {"10.0.0.1", "10.1.2.3", "10.1.200.4", "10.2.0.9", "192.168.1.7",
                                 "192.168.2.8", "172.16.5.5", "8.8.8.8", "10.1.2.200", "0.0.0.0"};
    return pool[u(10)];
  }
  std::string v6() {
    static const char* pool[] = {"2001:db8::1", "2001:db8:1::5", "2001:db8:1:2::9", "fe80::1", "::1", "2001:db9::7"};
    return pool[u(6)];
  }
  std::string prefix4() {
    static const char* pool[] = {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "192.168.0.0/16",
                                 "192.168.1.0/24", "0.0.0.0/0", "172.16.0.0/12", "8.8.8.0/24", "10.1.128.0/17"};
    return pool[u(10)];
  }
  std::string prefix6() {
    static const char* pool[] = {"2001:db8::/32", "2001:db8:1::/48", "2001:db8:1:2::/64", "::/0", "fe80::/10",
                                 "2001:db8::1/128"};
    return pool[u(6)];
  }
  std::string rules_text(int n) {
    static const char* actions[] = {"drop", "pass", "tx", "redirect-xsk", "redirect-dev 1"};
    static const char* protos[] = {"tcp", "udp", "sctp", "icmp", "icmpv6", "47"};
    std::ostringstream o;
    for (int i = 0; i < n; ++i) {
      o << actions[u(5)];
      const bool six = u(3) == 0;
      if (u(2)) o << " dst " << (six ? prefix6() : prefix4());
      if (u(3) == 0) o << " src " << (six ? prefix6() : prefix4());
      const bool ports = u(3) == 0;
      if (ports) o << " proto " << (u(2) ? "tcp" : "udp");
      else if (u(3) == 0) o << " proto " << protos[u(6)];
      if (ports && u(2)) {
        const std::uint32_t lo = u(4) * 20;
        o << " dport " << lo << "-" << lo + u(3) * 20;
      }
      if (ports && u(3) == 0) o << " sport " << u(100);
      if (u(5) == 0) o << " vlan " << u(3);
      if (u(8) == 0) o << " family " << (six ? "ipv6" : "ipv4");
      o << "\n";
    }
    static const char* fallbacks[] = {"drop", "pass", "tx", "redirect-dev 1"};
    o << "default " << fallbacks[u(4)] << "\nnon-ip " << fallbacks[u(4)] << "\n";
    return o.str();
  }

  std::vector<std::uint8_t> valid() {
    frame_builder b;
    b.eth();
    for (std::uint32_t t = u(4); t > 0 && t < 3; --t) b.vlan(static_cast<std::uint16_t>(u(3)), u(2) ? 0x8100 : 0x88a8);
    const std::uint32_t l4 = u(7);
    const std::uint8_t protos[] = {6, 17, 132, 1, 58, 47, 50};
    const std::uint8_t proto = protos[l4];
    if (u(2)) {
      b.ipv4(v4(), v4(), proto, static_cast<std::uint8_t>(u(3) == 0 ? u(11) : 0),
             static_cast<std::uint16_t>(u(4) == 0 ? u(50) : 0), u(4) == 0);
    } else {
      b.ipv6(v6(), v6(), proto);
      static const std::uint8_t ext[] = {0, 43, 60, 51, 44};
      for (std::uint32_t n = u(4) == 0 ? u(8) : 0; n > 0; --n) {
        const std::uint8_t e = ext[u(5)];
        b.ipv6_ext(e, proto, static_cast<std::uint8_t>(u(2)), static_cast<std::uint16_t>(e == 44 && u(3) == 0 ? u(9) : 0));
      }
    }
    const auto port = [&] { return static_cast<std::uint16_t>(u(3) == 0 ? u(100) : u(65536)); };
    switch (proto) {
      case 6: b.tcp(port(), port(), static_cast<std::uint8_t>(u(6) == 0 ? u(16) : 5)); break;
      case 17: b.udp(port(), port()); break;
      case 132: b.sctp(port(), port()); break;
      case 1:
      case 58: b.icmp(); break;
      default: break;
    }
    b.payload(u(40));
    return b.finish();
  }

  std::vector<std::uint8_t> random_bytes() {
    std::vector<std::uint8_t> f(14 + u(120));
    for (auto& b : f) b = static_cast<std::uint8_t>(rng());
    // Steer the EtherType towards what the parser cares about half the time.
    static const std::uint16_t types[] = {0x0800, 0x86dd, 0x8100, 0x88a8};
    if (u(2)) {
      const auto t = types[u(4)];
      f[12] = static_cast<std::uint8_t>(t >> 8);
      f[13] = static_cast<std::uint8_t>(t);
    }
    return f;
  }
};

std::uint64_t differential_packets() {
  if (const char* v = std::getenv("XDPKIT_DIFF_PACKETS")) return std::strtoull(v, nullptr, 10);
  return 1'000'000;
}

TEST_F(Firewall, DifferentialAgainstTheModel) {
  const std::uint64_t target = differential_packets();
  generator g(0x5eed0001);
  std::uint64_t checked = 0, mismatches = 0, truncations = 0;
  std::array<std::uint64_t, XDPKIT_FW_NR_REASONS> by_reason{};
  for (int set = 0; checked < target; ++set) {
    // Random sets can exceed what the program holds (32 rules on one prefix);
    // compile() refuses those with a line-numbered error: draw again.
    for (;;) {
      try {
        install(g.rules_text(1 + static_cast<int>(g.u(60))));
        break;
      } catch (const rule_error&) {
      }
    }
    for (int i = 0; i < 2000 && checked < target; ++i) {
      std::vector<std::vector<std::uint8_t>> frames;
      const std::uint32_t kind = g.u(40);
      if (kind < 4) {
        frames.push_back(g.random_bytes());
      } else if (kind == 4) {
        // Every truncation of one valid packet (BPF_PROG_RUN needs >= 14 bytes).
        const auto f = g.valid();
        for (std::size_t n = 14; n <= f.size(); ++n) frames.emplace_back(f.begin(), f.begin() + static_cast<long>(n));
        truncations += frames.size();
      } else {
        frames.push_back(g.valid());
      }
      for (const auto& f : frames) {
        const outcome b = run_bpf(f), m = run_model(f);
        ++checked;
        ++by_reason[m.reason < XDPKIT_FW_NR_REASONS ? m.reason : 0];
        if (!(b == m)) {
          if (++mismatches <= 10)
            ADD_FAILURE() << "program " << b << " != model " << m << "\n  frame " << hex(f) << "\n  rules:\n"
                          << [&] {
                               std::string s;
                               for (const auto& r : rules_.rules) s += "    " + r.text + "\n";
                               return s;
                             }();
        }
      }
    }
  }
  RecordProperty("packets", static_cast<int>(checked));
  std::cout << "differential: " << checked << " packets (" << truncations << " truncations), " << mismatches
            << " mismatches; by reason:";
  for (std::size_t r = 0; r < by_reason.size(); ++r) std::cout << " " << r << "=" << by_reason[r];
  std::cout << "\n";
  // Every reason but a short Ethernet header (BPF_PROG_RUN refuses < 14 bytes)
  // must have been exercised, or the generators have gone blind somewhere.
  for (std::size_t r = 0; r < by_reason.size(); ++r)
    if (r != XDPKIT_FW_R_SHORT_ETH) {
      EXPECT_GT(by_reason[r], 0u) << "reason " << r << " never seen";
    }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GE(checked, target);
}

// ---- atomic replacement -----------------------------------------------------

TEST_F(Firewall, ReplacingTheRuleSetUnderLoadNeverMixesTwoSets) {
  // To 10.1.2.3: set A decides by rule 1 (drop), set B by rule 0 (tx). Any
  // mix of A's maps with B's would decide differently (or by default).
  const rule_set a = parse_rules("pass dst 10.0.0.0/8\ndrop dst 10.1.0.0/16\ndefault pass\n");
  const rule_set b = parse_rules("tx dst 10.1.0.0/16\ndrop dst 10.0.0.0/8\ndefault pass\n");
  const auto ca = compile(a), cb = compile(b);
  prog_->apply(ca);
  std::atomic<bool> stop{false};
  std::atomic<int> flips{0};
  std::thread flipper([&] {
    while (!stop.load()) {
      prog_->apply(flips.load() % 2 ? ca : cb);
      ++flips;
    }
  });
  const auto f = frame_builder().eth().ipv4("1.1.1.1", "10.1.2.3", 17).udp(1, 2).finish();
  const outcome in_a{XDP_DROP_, XDPKIT_FW_R_RULE, 1}, in_b{XDP_TX_, XDPKIT_FW_R_RULE, 0};
  std::uint64_t seen_a = 0, seen_b = 0, other = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < end) {
    const outcome o = run_bpf(f);
    if (o == in_a) ++seen_a;
    else if (o == in_b) ++seen_b;
    else if (++other <= 5) ADD_FAILURE() << "a packet saw a mixed rule set: " << o;
  }
  stop = true;
  flipper.join();
  EXPECT_EQ(other, 0u);
  EXPECT_GT(seen_a, 0u);
  EXPECT_GT(seen_b, 0u);
  EXPECT_GT(flips.load(), 10);
}

}  // namespace
}  // namespace xdpkit::testing
