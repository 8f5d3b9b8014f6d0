// SPDX-License-Identifier: Apache-2.0
// Builds the frames a lab sends: Ethernet / IPv4 / UDP with a correct IPv4
// header checksum (UDP checksum 0, which IPv4 allows), and Ethernet / IPv6 /
// UDP with its UDP checksum (which IPv6 requires).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/lab/veth_lab.hpp"

namespace xdpkit::lab {

struct udp4_frame_spec {
  mac_address src_mac{};
  mac_address dst_mac{};
  std::string src_ip = "10.0.0.1";
  std::string dst_ip = "10.0.0.2";
  std::uint16_t src_port = 9;
  std::uint16_t dst_port = 9;
  std::uint32_t frame_len = 60;  // without FCS; 60 = minimum Ethernet frame
};

// Throws std::invalid_argument for an address that isn't dotted IPv4 or a
// length below 42 (headers) or above 9000.
std::vector<std::uint8_t> build_udp4_frame(const udp4_frame_spec& spec);

struct udp6_frame_spec {
  mac_address src_mac{};
  mac_address dst_mac{};
  std::string src_ip = "fd00::1";
  std::string dst_ip = "fd00::2";
  std::uint16_t src_port = 9;
  std::uint16_t dst_port = 9;
  std::uint32_t frame_len = 62;  // the smallest IPv6/UDP frame: 14 + 40 + 8
};

// Throws std::invalid_argument for an address that isn't IPv6 or a length
// below 62 or above 9000.
std::vector<std::uint8_t> build_udp6_frame(const udp6_frame_spec& spec);

std::uint16_t ipv4_checksum(const std::uint8_t* header, std::size_t len) noexcept;

}  // namespace xdpkit::lab
