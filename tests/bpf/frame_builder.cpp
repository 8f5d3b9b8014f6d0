// SPDX-License-Identifier: Apache-2.0
#include "frame_builder.hpp"

#include <arpa/inet.h>

#include <stdexcept>

namespace xdpkit::testing {

frame_builder& frame_builder::eth() {
  b_ = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0, 0};
  type_at_ = 12;
  return *this;
}

frame_builder& frame_builder::vlan(std::uint16_t id, std::uint16_t tpid) {
  put16(type_at_, tpid);
  b_.insert(b_.end(), {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id), 0, 0});
  type_at_ = b_.size() - 2;
  return *this;
}

frame_builder& frame_builder::ethertype(std::uint16_t type) {
  put16(type_at_, type);
  return *this;
}

frame_builder& frame_builder::ipv4(const std::string& src, const std::string& dst, std::uint8_t proto,
                                   std::uint8_t option_words, std::uint16_t frag_offset, bool more_fragments) {
  put16(type_at_, 0x0800);
  ip4_at_ = static_cast<std::ptrdiff_t>(b_.size());
  std::vector<std::uint8_t> h(20 + option_words * 4u, 0);
  h[0] = static_cast<std::uint8_t>(0x40 | (5 + option_words));
  h[6] = static_cast<std::uint8_t>((more_fragments ? 0x20 : 0) | ((frag_offset >> 8) & 0x1f));
  h[7] = static_cast<std::uint8_t>(frag_offset);
  h[8] = 64;
  h[9] = proto;
  if (inet_pton(AF_INET, src.c_str(), &h[12]) != 1 || inet_pton(AF_INET, dst.c_str(), &h[16]) != 1)
    throw std::invalid_argument("bad IPv4 address in a test frame");
  for (std::size_t i = 20; i < h.size(); ++i) h[i] = 1;  // NOP options
  b_.insert(b_.end(), h.begin(), h.end());
  return *this;
}

frame_builder& frame_builder::ipv6(const std::string& src, const std::string& dst, std::uint8_t next) {
  put16(type_at_, 0x86dd);
  ip6_at_ = static_cast<std::ptrdiff_t>(b_.size());
  std::vector<std::uint8_t> h(40, 0);
  h[0] = 0x60;
  h[6] = next;
  h[7] = 64;
  if (inet_pton(AF_INET6, src.c_str(), &h[8]) != 1 || inet_pton(AF_INET6, dst.c_str(), &h[24]) != 1)
    throw std::invalid_argument("bad IPv6 address in a test frame");
  b_.insert(b_.end(), h.begin(), h.end());
  next_hdr_at_ = ip6_at_ + 6;
  return *this;
}

frame_builder& frame_builder::ipv6_ext(std::uint8_t type, std::uint8_t next, std::uint8_t len, std::uint16_t frag_offset) {
  if (next_hdr_at_ >= 0) b_[static_cast<std::size_t>(next_hdr_at_)] = type;
  const std::size_t at = b_.size();
  std::size_t size = type == 44 ? 8 : type == 51 ? (len + 2u) * 4u : (len + 1u) * 8u;
  b_.resize(at + size, 0);
  b_[at] = next;
  if (type != 44) b_[at + 1] = len;
  else put16(at + 2, static_cast<std::uint16_t>(frag_offset << 3));
  next_hdr_at_ = static_cast<std::ptrdiff_t>(at);
  return *this;
}

frame_builder& frame_builder::tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t data_offset_words) {
  const std::size_t at = b_.size();
  b_.resize(at + 20, 0);
  put16(at, sport);
  put16(at + 2, dport);
  b_[at + 12] = static_cast<std::uint8_t>(data_offset_words << 4);
  return *this;
}

frame_builder& frame_builder::udp(std::uint16_t sport, std::uint16_t dport) {
  const std::size_t at = b_.size();
  b_.resize(at + 8, 0);
  put16(at, sport);
  put16(at + 2, dport);
  return *this;
}

frame_builder& frame_builder::sctp(std::uint16_t sport, std::uint16_t dport) {
  const std::size_t at = b_.size();
  b_.resize(at + 12, 0);
  put16(at, sport);
  put16(at + 2, dport);
  return *this;
}

frame_builder& frame_builder::icmp(std::uint8_t type) {
  const std::size_t at = b_.size();
  b_.resize(at + 8, 0);
  b_[at] = type;
  return *this;
}

frame_builder& frame_builder::payload(std::size_t n, std::uint8_t fill) {
  b_.insert(b_.end(), n, fill);
  return *this;
}

std::vector<std::uint8_t> frame_builder::finish() {
  if (ip4_at_ >= 0) put16(static_cast<std::size_t>(ip4_at_) + 2, static_cast<std::uint16_t>(b_.size() - ip4_at_));
  if (ip6_at_ >= 0) put16(static_cast<std::size_t>(ip6_at_) + 4, static_cast<std::uint16_t>(b_.size() - ip6_at_ - 40));
  return b_;
}

}  // namespace xdpkit::testing
