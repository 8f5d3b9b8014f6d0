// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/packet_builder.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

namespace xdpkit::lab {

namespace {
// RFC 1071: 16-bit big-endian words added into `sum`, not yet folded.
std::uint32_t add_words(std::uint32_t sum, const std::uint8_t* p, std::size_t len) noexcept {
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (len & 1) sum += static_cast<std::uint32_t>(p[len - 1] << 8);
  return sum;
}
std::uint16_t fold_complement(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}
}  // namespace

std::uint16_t ipv4_checksum(const std::uint8_t* header, std::size_t len) noexcept {
  return fold_complement(add_words(0, header, len));
}

namespace {

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

// A zeroed frame of `len` bytes with its Ethernet header, checked against the
// headers it must hold (`min_len` = Ethernet + IP + UDP).
std::vector<std::uint8_t> ethernet_frame(std::uint32_t len, std::size_t min_len, const mac_address& src,
                                         const mac_address& dst, std::uint16_t ethertype) {
  if (len < min_len || len > 9000)
    throw std::invalid_argument("frame length " + std::to_string(len) + " is outside " + std::to_string(min_len) +
                                "..9000");
  std::vector<std::uint8_t> f(len, 0);
  std::memcpy(&f[0], dst.data(), 6);
  std::memcpy(&f[6], src.data(), 6);
  put16(&f[12], ethertype);
  return f;
}

// The UDP header at `u` (checksum left 0) and a payload of counting bytes to the frame's end.
void put_udp(std::vector<std::uint8_t>& f, std::uint8_t* u, std::uint16_t sport, std::uint16_t dport,
             std::uint16_t udp_len) {
  put16(u, sport);
  put16(u + 2, dport);
  put16(u + 4, udp_len);
  for (auto i = static_cast<std::size_t>(u + 8 - f.data()); i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i);
}

template <int Family, class Addr>
Addr parse_address(const std::string& text, const char* which, const char* family) {
  Addr a{};
  if (inet_pton(Family, text.c_str(), &a) != 1)
    throw std::invalid_argument(std::string(which) + " address '" + text + "' is not " + family);
  return a;
}

}  // namespace

std::vector<std::uint8_t> build_udp4_frame(const udp4_frame_spec& spec) {
  constexpr std::size_t eth = 14, ip = 20, udp = 8;
  const auto src = parse_address<AF_INET, in_addr>(spec.src_ip, "source", "IPv4");
  const auto dst = parse_address<AF_INET, in_addr>(spec.dst_ip, "destination", "IPv4");
  std::vector<std::uint8_t> f = ethernet_frame(spec.frame_len, eth + ip + udp, spec.src_mac, spec.dst_mac, 0x0800);
  std::uint8_t* h = &f[eth];
  const std::uint16_t ip_len = static_cast<std::uint16_t>(spec.frame_len - eth);
  h[0] = 0x45;  // version 4, IHL 5
  put16(&h[2], ip_len);
  h[8] = 64;  // TTL
  h[9] = 17;  // UDP
  std::memcpy(&h[12], &src, 4);
  std::memcpy(&h[16], &dst, 4);
  put16(&h[10], ipv4_checksum(h, ip));
  put_udp(f, h + ip, spec.src_port, spec.dst_port, static_cast<std::uint16_t>(ip_len - ip));
  return f;
}

std::vector<std::uint8_t> build_udp6_frame(const udp6_frame_spec& spec) {
  constexpr std::size_t eth = 14, ip = 40, udp = 8;
  const auto src = parse_address<AF_INET6, in6_addr>(spec.src_ip, "source", "IPv6");
  const auto dst = parse_address<AF_INET6, in6_addr>(spec.dst_ip, "destination", "IPv6");
  std::vector<std::uint8_t> f = ethernet_frame(spec.frame_len, eth + ip + udp, spec.src_mac, spec.dst_mac, 0x86dd);
  std::uint8_t* h = &f[eth];
  const auto payload_len = static_cast<std::uint16_t>(spec.frame_len - eth - ip);
  h[0] = 0x60;  // version 6
  put16(&h[4], payload_len);
  h[6] = 17;  // next header: UDP
  h[7] = 64;  // hop limit
  std::memcpy(&h[8], &src, 16);
  std::memcpy(&h[24], &dst, 16);
  std::uint8_t* u = h + ip;
  put_udp(f, u, spec.src_port, spec.dst_port, payload_len);
  // UDP checksum over the pseudo-header (addresses, length, next header) and the datagram.
  std::uint32_t sum = add_words(0, &h[8], 32) + payload_len + 17;
  std::uint16_t csum = fold_complement(add_words(sum, u, payload_len));
  if (csum == 0) csum = 0xffff;  // 0 means "no checksum", which IPv6 forbids
  put16(&u[6], csum);
  return f;
}

}  // namespace xdpkit::lab
