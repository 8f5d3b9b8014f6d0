// SPDX-License-Identifier: Apache-2.0
// Builds the frames the firewall tests feed to the program and the model:
// layers appended in order, each patching the previous layer's "next
// protocol" field; finish() fills in the IP length fields.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace xdpkit::testing {

class frame_builder {
 public:
  frame_builder& eth();
  frame_builder& vlan(std::uint16_t id, std::uint16_t tpid = 0x8100);
  frame_builder& ipv4(const std::string& src, const std::string& dst, std::uint8_t proto,
                      std::uint8_t option_words = 0, std::uint16_t frag_offset = 0, bool more_fragments = false);
  frame_builder& ipv6(const std::string& src, const std::string& dst, std::uint8_t next);
  // An IPv6 extension header of type `type` (0, 43, 60: 8*(len+1) bytes; 51: 4*(len+2); 44: 8 bytes).
  frame_builder& ipv6_ext(std::uint8_t type, std::uint8_t next, std::uint8_t len = 0, std::uint16_t frag_offset = 0);
  frame_builder& tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t data_offset_words = 5);
  frame_builder& udp(std::uint16_t sport, std::uint16_t dport);
  frame_builder& sctp(std::uint16_t sport, std::uint16_t dport);
  frame_builder& icmp(std::uint8_t type = 8);
  frame_builder& ethertype(std::uint16_t type);  // set the current next-type field (non-IP frames)
  frame_builder& payload(std::size_t n, std::uint8_t fill = 0xab);
  std::vector<std::uint8_t> finish();

 private:
  void put16(std::size_t at, std::uint16_t v) {
    b_[at] = static_cast<std::uint8_t>(v >> 8);
    b_[at + 1] = static_cast<std::uint8_t>(v);
  }
  std::vector<std::uint8_t> b_;
  std::size_t type_at_ = 0;      // where the next EtherType goes
  std::ptrdiff_t ip4_at_ = -1, ip6_at_ = -1;
  std::ptrdiff_t next_hdr_at_ = -1;  // IPv6 next-header byte to patch
};

}  // namespace xdpkit::testing
