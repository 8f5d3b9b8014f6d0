#include "xdpkit/lab/packet_builder.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

namespace xdpkit::lab {

std::uint16_t ipv4_checksum(const std::uint8_t* header, std::size_t len) noexcept {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
  if (len & 1) sum += static_cast<std::uint32_t>(header[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::vector<std::uint8_t> build_udp4_frame(const udp4_frame_spec& spec) {
  constexpr std::size_t eth = 14, ip = 20, udp = 8;
  if (spec.frame_len < eth + ip + udp || spec.frame_len > 9000)
    throw std::invalid_argument("frame length " + std::to_string(spec.frame_len) + " is outside 42..9000");
  in_addr src{}, dst{};
  if (inet_pton(AF_INET, spec.src_ip.c_str(), &src) != 1)
    throw std::invalid_argument("source address '" + spec.src_ip + "' is not IPv4");
  if (inet_pton(AF_INET, spec.dst_ip.c_str(), &dst) != 1)
    throw std::invalid_argument("destination address '" + spec.dst_ip + "' is not IPv4");

  std::vector<std::uint8_t> f(spec.frame_len, 0);
  std::memcpy(&f[0], spec.dst_mac.data(), 6);
  std::memcpy(&f[6], spec.src_mac.data(), 6);
  f[12] = 0x08;  // EtherType IPv4
  f[13] = 0x00;
  std::uint8_t* h = &f[eth];
  const std::uint16_t ip_len = static_cast<std::uint16_t>(spec.frame_len - eth);
  h[0] = 0x45;  // version 4, IHL 5
  h[2] = static_cast<std::uint8_t>(ip_len >> 8);
  h[3] = static_cast<std::uint8_t>(ip_len);
  h[8] = 64;  // TTL
  h[9] = 17;  // UDP
  std::memcpy(&h[12], &src, 4);
  std::memcpy(&h[16], &dst, 4);
  const std::uint16_t csum = ipv4_checksum(h, ip);
  h[10] = static_cast<std::uint8_t>(csum >> 8);
  h[11] = static_cast<std::uint8_t>(csum);
  std::uint8_t* u = h + ip;
  const std::uint16_t udp_len = static_cast<std::uint16_t>(ip_len - ip);
  u[0] = static_cast<std::uint8_t>(spec.src_port >> 8);
  u[1] = static_cast<std::uint8_t>(spec.src_port);
  u[2] = static_cast<std::uint8_t>(spec.dst_port >> 8);
  u[3] = static_cast<std::uint8_t>(spec.dst_port);
  u[4] = static_cast<std::uint8_t>(udp_len >> 8);
  u[5] = static_cast<std::uint8_t>(udp_len);
  for (std::size_t i = eth + ip + udp; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i);
  return f;
}

std::vector<std::uint8_t> build_udp6_frame(const udp6_frame_spec& spec) {
  constexpr std::size_t eth = 14, ip = 40, udp = 8;
  if (spec.frame_len < eth + ip + udp || spec.frame_len > 9000)
    throw std::invalid_argument("frame length " + std::to_string(spec.frame_len) + " is outside 62..9000");
  in6_addr src{}, dst{};
  if (inet_pton(AF_INET6, spec.src_ip.c_str(), &src) != 1)
    throw std::invalid_argument("source address '" + spec.src_ip + "' is not IPv6");
  if (inet_pton(AF_INET6, spec.dst_ip.c_str(), &dst) != 1)
    throw std::invalid_argument("destination address '" + spec.dst_ip + "' is not IPv6");

  std::vector<std::uint8_t> f(spec.frame_len, 0);
  std::memcpy(&f[0], spec.dst_mac.data(), 6);
  std::memcpy(&f[6], spec.src_mac.data(), 6);
  f[12] = 0x86;  // EtherType IPv6
  f[13] = 0xdd;
  std::uint8_t* h = &f[eth];
  const auto payload_len = static_cast<std::uint16_t>(spec.frame_len - eth - ip);
  h[0] = 0x60;  // version 6
  h[4] = static_cast<std::uint8_t>(payload_len >> 8);
  h[5] = static_cast<std::uint8_t>(payload_len);
  h[6] = 17;  // next header: UDP
  h[7] = 64;  // hop limit
  std::memcpy(&h[8], &src, 16);
  std::memcpy(&h[24], &dst, 16);
  std::uint8_t* u = h + ip;
  u[0] = static_cast<std::uint8_t>(spec.src_port >> 8);
  u[1] = static_cast<std::uint8_t>(spec.src_port);
  u[2] = static_cast<std::uint8_t>(spec.dst_port >> 8);
  u[3] = static_cast<std::uint8_t>(spec.dst_port);
  u[4] = static_cast<std::uint8_t>(payload_len >> 8);
  u[5] = static_cast<std::uint8_t>(payload_len);
  for (std::size_t i = eth + ip + udp; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>(i);
  // UDP checksum over the pseudo-header (addresses, length, next header) and the datagram.
  std::uint32_t sum = 0;
  auto add = [&](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    if (n & 1) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  };
  add(&h[8], 32);
  sum += payload_len;
  sum += 17;
  add(u, payload_len);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  std::uint16_t csum = static_cast<std::uint16_t>(~sum);
  if (csum == 0) csum = 0xffff;  // 0 means "no checksum", which IPv6 forbids
  u[6] = static_cast<std::uint8_t>(csum >> 8);
  u[7] = static_cast<std::uint8_t>(csum);
  return f;
}

}  // namespace xdpkit::lab
