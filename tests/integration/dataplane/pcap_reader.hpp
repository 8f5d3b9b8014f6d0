// SPDX-License-Identifier: Apache-2.0
// A pcap file read back with libpcap, for the capture tests. Apart from the
// tests themselves: libpcap's headers define struct bpf_insn, as the kernel's do.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace xdpkit::testing {

struct captured {
  std::vector<std::vector<std::uint8_t>> frames;  // caplen bytes each
  std::vector<std::uint32_t> lengths;             // on the wire
  std::string error;                              // empty when it read as an Ethernet pcap
};

captured read_pcap(const std::filesystem::path& file);

// Packets `tcpdump -nn -r file` lists (one line each), or -1 when it fails.
long tcpdump_count(const std::filesystem::path& file);

}  // namespace xdpkit::testing
