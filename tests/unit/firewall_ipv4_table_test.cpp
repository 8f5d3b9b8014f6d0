// SPDX-License-Identifier: Apache-2.0
// The IPv4 direct table against the definition it replaces: the group of the
// longest prefix holding the address, found by brute force over the routes.
#include <gtest/gtest.h>

#include <random>

#include "xdpkit/firewall/ipv4_table.hpp"

namespace {

using namespace xdpkit::firewall;

std::uint32_t mask(std::uint8_t len) { return len == 0 ? 0 : ~0u << (32 - len); }

std::uint32_t brute_force(const std::vector<ipv4_route>& routes, std::uint32_t addr) {
  int best = -1;
  std::uint32_t group = XDPKIT_FW_NO_GROUP;
  for (const auto& r : routes)
    if ((addr & mask(r.len)) == r.addr && r.len > best) {
      best = r.len;
      group = r.group;
    }
  return group;
}

ipv4_route route(std::uint32_t addr, std::uint8_t len, std::uint32_t group) { return {addr & mask(len), len, group}; }

TEST(Ipv4Table, EmptyFindsNothingAndUsesNoChunks) {
  const auto t = build_ipv4_table({});
  EXPECT_EQ(t.top.size(), std::size_t{XDPKIT_FW_V4_TOP_ENTRIES});
  EXPECT_EQ(t.chunk_count(), 0u);
  EXPECT_EQ(lookup(t, 0x0a000001), XDPKIT_FW_NO_GROUP);
}

TEST(Ipv4Table, LongestPrefixWinsAtEveryLevel) {
  const std::vector<ipv4_route> routes{route(0, 0, 0), route(0x0a000000, 8, 1), route(0x0a010000, 16, 2),
                                       route(0x0a010200, 24, 3), route(0x0a010280, 25, 4), route(0x0a0102ff, 32, 5),
                                       route(0x0a018000, 17, 6)};
  const auto t = build_ipv4_table(routes);
  EXPECT_EQ(lookup(t, 0xc0000201), 0u);  // 192.0.2.1: only /0
  EXPECT_EQ(lookup(t, 0x0a020304), 1u);  // 10.2.3.4: /8
  EXPECT_EQ(lookup(t, 0x0a017f01), 2u);  // 10.1.127.1: /16 (chunk entry inherited)
  EXPECT_EQ(lookup(t, 0x0a010201), 3u);  // 10.1.2.1: /24
  EXPECT_EQ(lookup(t, 0x0a010281), 4u);  // 10.1.2.129: /25 (level-3 chunk)
  EXPECT_EQ(lookup(t, 0x0a0102ff), 5u);  // 10.1.2.255: /32
  EXPECT_EQ(lookup(t, 0x0a018001), 6u);  // 10.1.128.1: /17
  EXPECT_EQ(t.chunk_count(), 2u) << "one chunk for 10.1/16, one for 10.1.2/24";
}

TEST(Ipv4Table, AgreesWithBruteForceOnRandomRouteSets) {
  std::mt19937 rng(20261123);
  for (int round = 0; round < 40; ++round) {
    std::vector<ipv4_route> routes;
    // Addresses from a small space so prefixes nest and collide often.
    const std::uint32_t base = rng() & 0xffff0000u;
    const int n = 1 + static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      const auto len = static_cast<std::uint8_t>(rng() % 33);
      const std::uint32_t addr = base ^ (rng() & 0x0003ffffu);
      auto r = route(addr, len, static_cast<std::uint32_t>(i));
      bool dup = false;
      for (const auto& o : routes) dup |= o.addr == r.addr && o.len == r.len;
      if (!dup) routes.push_back(r);
    }
    const auto t = build_ipv4_table(routes);
    for (int probe = 0; probe < 4000; ++probe) {
      std::uint32_t addr = probe % 2 ? base ^ (rng() & 0x0003ffffu) : static_cast<std::uint32_t>(rng());
      if (probe % 7 == 0) addr = routes[rng() % routes.size()].addr | (rng() & ~mask(routes[0].len) & 0xff);
      ASSERT_EQ(lookup(t, addr), brute_force(routes, addr)) << "round " << round << " address " << std::hex << addr;
    }
  }
}

TEST(Ipv4Table, TooManyChunksIsAnErrorNotATruncation) {
  std::vector<ipv4_route> routes;
  for (std::uint32_t i = 0; i <= XDPKIT_FW_V4_CHUNKS; ++i) routes.push_back(route(i << 16, 24, i));  // a /24 in each /16
  EXPECT_THROW(build_ipv4_table(routes), std::length_error);
  routes.pop_back();
  EXPECT_EQ(build_ipv4_table(routes).chunk_count(), std::size_t{XDPKIT_FW_V4_CHUNKS});
}

}  // namespace
