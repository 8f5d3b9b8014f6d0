// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/forward_lab.hpp"

#include <unistd.h>

#include <atomic>

#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/packet_builder.hpp"

namespace xdpkit::lab {

forward_lab forward_lab::create(const std::string& prefix, unsigned queues) {
  static std::atomic<unsigned> sequence{0};
  const unsigned seq = sequence++;
  const std::string n = std::to_string(seq);
  const std::string tag = prefix + std::to_string(getpid());
  (void)remove_stale_netns(prefix);
  // Each namespace is owned as soon as it exists, so a later failure removes it.
  netns left = netns::create(tag + "l" + n);
  netns fwd = netns::create(tag + "f" + n);
  netns right = netns::create(tag + "r" + n);
  forward_lab lab(std::move(left), std::move(fwd), std::move(right));
  lab.left_if_ = "xkl" + n;
  lab.fwd_a_ = "xkfa" + n;
  lab.fwd_b_ = "xkfb" + n;
  lab.right_if_ = "xkr" + n;
  lab.left_mac_ = {0x02, 0x78, 0x66, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0x01};
  lab.right_mac_ = {0x02, 0x78, 0x66, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq), 0x04};
  const std::string net = "10.98." + std::to_string(seq % 256) + ".";
  lab.left_ip_ = net + "1";
  lab.right_ip_ = net + "4";

  for (const std::string& ns : {lab.left_ns(), lab.fwd_ns(), lab.right_ns()}) {
    run_checked({"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                 "net.ipv6.conf.default.disable_ipv6=1"});
    run_checked({"ip", "-n", ns, "link", "set", "dev", "lo", "up"});
  }
  const std::string q = std::to_string(queues);
  run_checked({"ip", "-n", lab.left_ns(), "link", "add", lab.left_if_, "numtxqueues", q, "numrxqueues", q, "type", "veth",
               "peer", "name", lab.fwd_a_, "netns", lab.fwd_ns(), "numtxqueues", q, "numrxqueues", q});
  run_checked({"ip", "-n", lab.right_ns(), "link", "add", lab.right_if_, "numtxqueues", q, "numrxqueues", q, "type",
               "veth", "peer", "name", lab.fwd_b_, "netns", lab.fwd_ns(), "numtxqueues", q, "numrxqueues", q});
  run_checked({"ip", "-n", lab.left_ns(), "link", "set", "dev", lab.left_if_, "address", to_string(lab.left_mac_)});
  run_checked({"ip", "-n", lab.right_ns(), "link", "set", "dev", lab.right_if_, "address", to_string(lab.right_mac_)});
  run_checked({"ip", "-n", lab.left_ns(), "addr", "add", lab.left_ip_ + "/24", "dev", lab.left_if_});
  run_checked({"ip", "-n", lab.right_ns(), "addr", "add", lab.right_ip_ + "/24", "dev", lab.right_if_});
  for (const auto& [ns, ifname] : {std::pair{lab.left_ns(), lab.left_if_}, std::pair{lab.fwd_ns(), lab.fwd_a_},
                                   std::pair{lab.fwd_ns(), lab.fwd_b_}, std::pair{lab.right_ns(), lab.right_if_}})
    run_checked({"ip", "-n", ns, "link", "set", "dev", ifname, "up"});
  return lab;
}

namespace {
std::vector<std::uint8_t> udp_between(const mac_address& src_mac, const mac_address& dst_mac, const std::string& src_ip,
                                      const std::string& dst_ip, std::uint16_t dport, std::uint32_t frame_len) {
  udp4_frame_spec spec;
  spec.frame_len = frame_len;
  spec.src_mac = src_mac;
  spec.dst_mac = dst_mac;
  spec.src_ip = src_ip;
  spec.dst_ip = dst_ip;
  spec.dst_port = dport;
  return build_udp4_frame(spec);
}
}  // namespace

std::vector<std::uint8_t> forward_lab::left_frame(std::uint16_t dport, std::uint32_t frame_len) const {
  return udp_between(left_mac_, right_mac_, left_ip_, right_ip_, dport, frame_len);
}

std::vector<std::uint8_t> forward_lab::right_frame(std::uint16_t dport, std::uint32_t frame_len) const {
  return udp_between(right_mac_, left_mac_, right_ip_, left_ip_, dport, frame_len);
}

}  // namespace xdpkit::lab
