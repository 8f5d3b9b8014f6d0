// SPDX-License-Identifier: Apache-2.0
// ipv4_table: the firewall's IPv4 destination lookup, built in userspace as the
// direct table the program reads (DIR-16-8-8, layout in bpf/include/xdpkit/bpf/firewall_abi.h): every
// prefix expanded into the entries it covers, longer prefixes painted over
// shorter ones, so a lookup is three array reads at most whatever the rule
// count. lookup() reads it exactly as bpf/firewall.bpf.c does, for tests.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "xdpkit/bpf/firewall_abi.h"

namespace xdpkit::firewall {

struct ipv4_route {
  std::uint32_t addr = 0;  // host byte order, already masked to len
  std::uint8_t len = 0;    // 0..32
  std::uint32_t group = 0;
};

struct ipv4_table {
  std::vector<std::uint32_t> top;     // XDPKIT_FW_V4_TOP_ENTRIES entries
  std::vector<std::uint32_t> chunks;  // XDPKIT_FW_V4_CHUNK_ENTRIES per chunk
  std::size_t chunk_count() const noexcept { return chunks.size() / XDPKIT_FW_V4_CHUNK_ENTRIES; }
};

// The route that needed one more 256-address table than there are.
class ipv4_table_full : public std::length_error {
 public:
  ipv4_table_full(const ipv4_route& r, const std::string& what) : std::length_error(what), route(r) {}
  ipv4_route route;
};

// Throws ipv4_table_full when the routes need more than XDPKIT_FW_V4_CHUNKS
// chunks (each /16 holding prefixes longer than /16 takes one, each /24
// holding prefixes longer than /24 another). Duplicate (addr, len): the last wins.
ipv4_table build_ipv4_table(std::vector<ipv4_route> routes);

// The group of the longest route holding `addr` (host order), or XDPKIT_FW_NO_GROUP.
std::uint32_t lookup(const ipv4_table& table, std::uint32_t addr);

}  // namespace xdpkit::firewall
