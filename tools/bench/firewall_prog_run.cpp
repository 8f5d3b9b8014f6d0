// SPDX-License-Identifier: Apache-2.0
// firewall-prog-run: ns per packet of the firewall program for each packet
// class, from BPF_PROG_RUN with repeat (the kernel times the loop), beside the
// XDP_DROP program in the same run. A measurement, not a test: the numbers
// move with the machine; compare within one run.
//
//   build/tools/bench/firewall-prog-run [--repeat N] [--rules 10,1000,10000]
// (as root). IPv4 classes run against N IPv4 prefix rules, IPv6 ones against N IPv6 rules.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "xdpkit/bpf/bench_drop.skel.h"
#include "xdpkit/lab/packet_builder.hpp"
#include "xdpkit/firewall/firewall_program.hpp"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/userspace/skeleton.hpp"

namespace {

using namespace xdpkit;

struct packet_class {
  std::string name;
  std::vector<std::uint8_t> frame;
  xdpkit_fw_reason reason;  // what the program must say, or the cell measured another path
  bool ipv6 = false;        // measured against the IPv6 rule set
};

std::vector<std::uint8_t> udp(const char* dst, std::uint16_t dport) {
  lab::udp4_frame_spec s;
  s.src_mac = {2, 0, 0, 0, 0, 1};
  s.dst_mac = {2, 0, 0, 0, 0, 2};
  s.src_ip = "192.0.2.1";
  s.dst_ip = dst;
  s.dst_port = dport;
  return lab::build_udp4_frame(s);
}

std::vector<std::uint8_t> udp6(const char* dst, std::uint16_t dport) {
  lab::udp6_frame_spec s;
  s.src_mac = {2, 0, 0, 0, 0, 1};
  s.dst_mac = {2, 0, 0, 0, 0, 2};
  s.src_ip = "2001:db8::1";
  s.dst_ip = dst;
  s.dst_port = dport;
  return lab::build_udp6_frame(s);
}

std::vector<packet_class> classes() {
  std::vector<packet_class> c;
  c.push_back({"ipv4-udp, rule hit (drop)", udp("10.99.0.99", 9), XDPKIT_FW_R_RULE});
  c.push_back({"ipv4-udp, prefix hit, rule miss -> default", udp("10.99.0.99", 10), XDPKIT_FW_R_DEFAULT});
  c.push_back({"ipv4-udp, no prefix -> default", udp("198.51.100.7", 9), XDPKIT_FW_R_DEFAULT});
  auto tcp = udp("10.99.0.99", 9);
  tcp[14 + 9] = 6;
  tcp[14 + 20 + 12] = 0x50;
  c.push_back({"ipv4-tcp -> default", tcp, XDPKIT_FW_R_DEFAULT});
  auto bad = udp("10.99.0.99", 9);
  bad[14] = 0x44;  // IHL 4
  c.push_back({"ipv4 malformed (IHL 4)", bad, XDPKIT_FW_R_BAD_IPV4});
  auto arp = udp("10.99.0.99", 9);
  arp[12] = 0x08;
  arp[13] = 0x06;
  c.push_back({"non-IP (ARP)", arp, XDPKIT_FW_R_NOT_IP});
  c.push_back({"ipv6-udp, rule hit (drop)", udp6("fd00:99::99", 9), XDPKIT_FW_R_RULE, true});
  c.push_back({"ipv6-udp, prefix hit, rule miss -> default", udp6("fd00:99::99", 10), XDPKIT_FW_R_DEFAULT, true});
  c.push_back({"ipv6-udp, no prefix -> default", udp6("2001:db8:ffff::7", 9), XDPKIT_FW_R_DEFAULT, true});
  return c;
}

// Average ns per run of `prog_fd` over `frame`, as the kernel measured it.
double ns_per_packet(int prog_fd, std::vector<std::uint8_t> frame, int repeat) {
  std::vector<std::uint8_t> out(frame.size() + 256);
  LIBBPF_OPTS(bpf_test_run_opts, o);
  o.data_in = frame.data();
  o.data_size_in = static_cast<__u32>(frame.size());
  o.data_out = out.data();
  o.data_size_out = static_cast<__u32>(out.size());
  o.repeat = repeat;
  if (bpf_prog_test_run_opts(prog_fd, &o)) {
    std::perror("BPF_PROG_RUN");
    std::exit(1);
  }
  return o.duration;  // the kernel reports the average per repetition, in ns
}

// N prefix rules of one family; one of them holds the classes' target.
firewall::rule_set rules(int n, bool ipv6) {
  std::string text;
  for (int i = 0; i < n - 1; ++i)
    text += ipv6 ? fmt::format("drop proto udp dst fd01:{:x}::/32 dport 9\n", i)
                 : fmt::format("drop proto udp dst {}.{}.{}.0/24 dport 9\n", 20 + (i >> 16), (i >> 8) & 255, i & 255);
  text += ipv6 ? "drop proto udp dst fd00:99::/48 dport 9\n" : "drop proto udp dst 10.99.0.0/24 dport 9\n";
  text += "default pass\n";
  return firewall::parse_rules(text, "bench");
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1'000'000;
  std::vector<int> sizes{10, 1000, 10000};
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (a == "--rules" && i + 1 < argc) {
      sizes.clear();
      std::string v = argv[++i];
      for (std::size_t p = 0; p < v.size();) {
        auto c = v.find(',', p);
        sizes.push_back(std::atoi(v.substr(p, c - p).c_str()));
        p = c == std::string::npos ? v.size() : c + 1;
      }
    } else {
      std::fprintf(stderr, "usage: %s [--repeat N] [--rules 10,1000,10000]\n", argv[0]);
      return 2;
    }
  }
  using drop_skel = skeleton<bench_drop, bench_drop__open, bench_drop__destroy>;
  auto drop = drop_skel::open("bench_drop");
  if (bench_drop__load(drop.get())) {
    std::perror("load bench_drop");
    return 1;
  }
  const auto cls = classes();
  const double ceiling = ns_per_packet(bpf_program__fd(drop->progs.xdpkit_bench_drop), cls[0].frame, repeat);
  std::printf("BPF_PROG_RUN, %d repetitions per cell; XDP_DROP program: %.1f ns/packet\n\n", repeat, ceiling);
  std::printf("%-46s", "packet class");
  for (int n : sizes) std::printf("  %8d rules", n);
  std::printf("\n");
  std::vector<std::vector<double>> cells(cls.size());
  for (int n : sizes) {
    auto fw = firewall::firewall_program::load();
    for (std::size_t c = 0; c < cls.size(); ++c) {
      if (c == 0 || cls[c].ipv6 != cls[c - 1].ipv6) fw.apply(firewall::compile(rules(n, cls[c].ipv6)));
      const auto before = fw.stats();
      cells[c].push_back(ns_per_packet(fw.program_fd(), cls[c].frame, repeat));
      const auto after = fw.stats();
      const auto got = after.reason[cls[c].reason] - before.reason[cls[c].reason];
      if (got != static_cast<std::uint64_t>(repeat)) {
        std::fprintf(stderr, "%s with %d rules: %llu of %d runs took the expected path (reason %d): not measuring it\n",
                     cls[c].name.c_str(), n, static_cast<unsigned long long>(got), repeat, cls[c].reason);
        return 1;
      }
    }
  }
  for (std::size_t c = 0; c < cls.size(); ++c) {
    std::printf("%-46s", cls[c].name.c_str());
    for (double v : cells[c]) std::printf("  %8.1f ns   ", v);
    std::printf("\n");
  }
  return 0;
}
