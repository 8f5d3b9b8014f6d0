// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/veth_lab.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/packet_builder.hpp"

namespace xdpkit::lab {

std::string to_string(const mac_address& mac) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                mac[5]);
  return buf;
}

veth_lab veth_lab::create(const veth_lab_options& options) {
  static std::atomic<unsigned> sequence{0};
  const unsigned seq = sequence++;
  const std::string tag = std::to_string(getpid());
  const std::string n = std::to_string(seq);
  std::vector<std::string> stale = remove_stale_netns(options.prefix);

  // Each namespace is owned as soon as it exists, so a later failure removes it.
  netns gen = netns::create(options.prefix + tag + "g" + n);
  netns dut = netns::create(options.prefix + tag + "d" + n);
  veth_lab lab(std::move(gen), std::move(dut));
  lab.stale_removed_ = std::move(stale);
  lab.seq_ = seq;
  lab.gen_if_ = "xkg" + n;
  lab.dut_if_ = "xkd" + n;
  // Locally administered unicast MACs (02:...) that encode the lab number.
  lab.gen_mac_ = {0x02, 0x78, 0x6b, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0x01};
  lab.dut_mac_ = {0x02, 0x78, 0x6b, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0x02};
  const std::string net = "10.99." + std::to_string(seq % 256) + ".";
  lab.gen_ip_ = net + "1";
  lab.dut_ip_ = net + "2";
  lab.unowned_ip_ = net + "99";
  const std::string q = std::to_string(options.queues);

  for (const std::string& ns : {lab.gen_ns(), lab.dut_ns()})
    run_checked({"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                 "net.ipv6.conf.default.disable_ipv6=1"});
  run_checked({"ip", "-n", lab.gen_ns(), "link", "add", lab.gen_if_, "numtxqueues", q, "numrxqueues", q,
               "type", "veth", "peer", "name", lab.dut_if_, "netns", lab.dut_ns(), "numtxqueues", q,
               "numrxqueues", q});
  struct side { const std::string& ns; const std::string& ifname; const mac_address& mac; const std::string& ip; };
  for (const side& s : {side{lab.gen_ns(), lab.gen_if_, lab.gen_mac_, lab.gen_ip_},
                        side{lab.dut_ns(), lab.dut_if_, lab.dut_mac_, lab.dut_ip_}}) {
    run_checked({"ip", "-n", s.ns, "link", "set", "dev", s.ifname, "address", to_string(s.mac)});
    run_checked({"ip", "-n", s.ns, "addr", "add", s.ip + "/24", "dev", s.ifname});
    run_checked({"ip", "-n", s.ns, "link", "set", "dev", s.ifname, "up"});
    run_checked({"ip", "-n", s.ns, "link", "set", "dev", "lo", "up"});
  }
  if (options.far_end) {
    lab.far_.emplace(netns::create(options.prefix + tag + "f" + n));
    lab.dut_far_if_ = "xkb" + n;
    lab.far_if_ = "xkf" + n;
    run_checked({"ip", "netns", "exec", lab.far_ns(), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                 "net.ipv6.conf.default.disable_ipv6=1"});
    run_checked({"ip", "-n", lab.dut_ns(), "link", "add", lab.dut_far_if_, "type", "veth", "peer", "name",
                 lab.far_if_, "netns", lab.far_ns()});
    // A forwarder passes frames unchanged: the far end takes them whatever their MAC (XDP sees them all).
    run_checked({"ip", "-n", lab.dut_ns(), "link", "set", "dev", lab.dut_far_if_, "address",
                 to_string({0x02, 0x78, 0x6b, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0x03})});
    run_checked({"ip", "-n", lab.far_ns(), "link", "set", "dev", lab.far_if_, "address",
                 to_string({0x02, 0x78, 0x6b, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0x04})});
    run_checked({"ip", "-n", lab.dut_ns(), "link", "set", "dev", lab.dut_far_if_, "up"});
    run_checked({"ip", "-n", lab.far_ns(), "link", "set", "dev", lab.far_if_, "up"});
  }
  return lab;
}

}  // namespace xdpkit::lab

namespace xdpkit::lab {

std::vector<std::uint8_t> veth_lab::udp_frame(std::uint16_t dport) const {
  udp4_frame_spec spec;
  spec.src_mac = gen_mac_;
  spec.dst_mac = dut_mac_;
  spec.src_ip = gen_ip_;
  spec.dst_ip = unowned_ip_;  // no stack answers: the lab carries only what is sent
  spec.dst_port = dport;
  return build_udp4_frame(spec);
}

namespace {
// fd00:99:<lab number in hex>:: — a /48 of the unique-local range per lab.
std::string net6(unsigned seq) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "fd00:99:%x::", seq % 65536);
  return buf;
}
}  // namespace

std::string veth_lab::lab_prefix6() const { return net6(seq_) + "/48"; }
std::string veth_lab::unowned_ip6() const { return net6(seq_) + "99"; }

std::vector<std::uint8_t> veth_lab::udp6_frame(std::uint16_t dport) const {
  udp6_frame_spec spec;
  spec.src_mac = gen_mac_;
  spec.dst_mac = dut_mac_;
  spec.src_ip = net6(seq_) + "1";
  spec.dst_ip = unowned_ip6();
  spec.dst_port = dport;
  return build_udp6_frame(spec);
}

}  // namespace xdpkit::lab
