// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/packet_builder.hpp"

#include <gtest/gtest.h>

namespace xdpkit::lab {
namespace {

TEST(Ipv4Checksum, MatchesTheRfc1071Example) {
  // The header from RFC 1071's worked example style: a checksum over a header
  // that already contains its checksum folds to zero.
  std::uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(ipv4_checksum(h, 20), 0);
  h[10] = h[11] = 0;
  EXPECT_EQ(ipv4_checksum(h, 20), 0xb861);
}

TEST(BuildUdp4Frame, LaysOutHeaders) {
  udp4_frame_spec s;
  s.src_mac = {2, 0, 0, 0, 0, 1};
  s.dst_mac = {2, 0, 0, 0, 0, 2};
  s.src_ip = "10.1.2.3";
  s.dst_ip = "10.4.5.6";
  s.src_port = 1234;
  s.dst_port = 53;
  s.frame_len = 60;
  auto f = build_udp4_frame(s);
  ASSERT_EQ(f.size(), 60u);
  EXPECT_EQ(f[0], 2);
  EXPECT_EQ(f[5], 2);
  EXPECT_EQ(f[11], 1);
  EXPECT_EQ(f[12], 0x08);
  EXPECT_EQ(f[13], 0x00);
  EXPECT_EQ(f[14], 0x45);
  EXPECT_EQ(f[16] << 8 | f[17], 46);  // IPv4 total length
  EXPECT_EQ(f[23], 17);
  EXPECT_EQ(ipv4_checksum(&f[14], 20), 0) << "header checksum must verify";
  EXPECT_EQ(f[26], 10);
  EXPECT_EQ(f[29], 3);
  EXPECT_EQ(f[33], 6);
  EXPECT_EQ(f[34] << 8 | f[35], 1234);
  EXPECT_EQ(f[36] << 8 | f[37], 53);
  EXPECT_EQ(f[38] << 8 | f[39], 26);  // UDP length
}

TEST(BuildUdp4Frame, RejectsBadInput) {
  udp4_frame_spec s;
  s.frame_len = 41;
  EXPECT_THROW(build_udp4_frame(s), std::invalid_argument);
  s.frame_len = 60;
  s.dst_ip = "10.0.0";
  EXPECT_THROW(build_udp4_frame(s), std::invalid_argument);
  s.dst_ip = "::1";
  EXPECT_THROW(build_udp4_frame(s), std::invalid_argument);
}

// A UDP checksum computed over the pseudo-header and the datagram, checksum
// included, folds to 0 (one's complement): what a receiver verifies.
TEST(BuildUdp6Frame, LaysOutHeadersWithAValidUdpChecksum) {
  udp6_frame_spec s;
  s.src_ip = "fd00:99:1::1";
  s.dst_ip = "fd00:99:1::99";
  s.dst_port = 53;
  s.frame_len = 80;
  auto f = build_udp6_frame(s);
  ASSERT_EQ(f.size(), 80u);
  EXPECT_EQ(f[12], 0x86);
  EXPECT_EQ(f[13], 0xdd);
  EXPECT_EQ(f[14] >> 4, 6);
  EXPECT_EQ(f[14 + 4] << 8 | f[14 + 5], 80 - 54) << "payload length";
  EXPECT_EQ(f[14 + 6], 17);
  EXPECT_EQ(f[54 + 2] << 8 | f[54 + 3], 53);
  std::uint32_t sum = 0;
  for (std::size_t i = 14 + 8; i < 14 + 40; i += 2) sum += static_cast<std::uint32_t>(f[i] << 8 | f[i + 1]);
  sum += 80 - 54;
  sum += 17;
  for (std::size_t i = 54; i < 80; i += 2) sum += static_cast<std::uint32_t>(f[i] << 8 | f[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
  EXPECT_THROW(build_udp6_frame({.src_ip = "10.0.0.1"}), std::invalid_argument);
  udp6_frame_spec short_frame;
  short_frame.frame_len = 61;
  EXPECT_THROW(build_udp6_frame(short_frame), std::invalid_argument);
}

}  // namespace
}  // namespace xdpkit::lab
