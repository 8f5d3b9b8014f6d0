// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/firewall/ipv4_table.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace xdpkit::firewall {

namespace {

constexpr std::uint32_t kChunk = XDPKIT_FW_V4_CHUNK;
constexpr std::uint32_t kChunkEntries = XDPKIT_FW_V4_CHUNK_ENTRIES;

// The chunk an entry points to, creating it (filled with what the entry
// meant so far: the covering prefix's group, or nothing) when it doesn't.
std::uint32_t chunk_of(ipv4_table& t, std::vector<std::uint32_t>& table, std::size_t entry, const ipv4_route& r) {
  if (table[entry] & kChunk) return table[entry] & ~kChunk;
  if (t.chunk_count() >= XDPKIT_FW_V4_CHUNKS)
    throw ipv4_table_full(r, "IPv4 destinations need more than " + std::to_string(XDPKIT_FW_V4_CHUNKS) +
                            " 256-address tables (one per /16 that holds longer prefixes, one per /24 that "
                            "holds longer prefixes)");
  const auto c = static_cast<std::uint32_t>(t.chunk_count());
  // `table` may be t.chunks itself: read the fill value before growing it.
  const std::uint32_t fill = table[entry];
  t.chunks.insert(t.chunks.end(), kChunkEntries, fill);
  table[entry] = kChunk | c;
  return c;
}

void paint(std::vector<std::uint32_t>& table, std::size_t first, std::size_t count, std::uint32_t value) {
  std::fill(table.begin() + static_cast<std::ptrdiff_t>(first),
            table.begin() + static_cast<std::ptrdiff_t>(first + count), value);
}

}  // namespace

ipv4_table build_ipv4_table(std::vector<ipv4_route> routes) {
  ipv4_table t;
  t.top.assign(XDPKIT_FW_V4_TOP_ENTRIES, 0);
  // Shorter prefixes first: a longer one painted later overwrites them, and a
  // chunk created for a longer one inherits what the shorter ones painted.
  std::stable_sort(routes.begin(), routes.end(), [](const ipv4_route& a, const ipv4_route& b) { return a.len < b.len; });
  for (const auto& r : routes) {
    if (r.len > 32) throw std::invalid_argument("IPv4 prefix length " + std::to_string(r.len) + " > 32");
    const std::uint32_t value = r.group + 1;
    const std::uint32_t hi = r.addr >> 16;
    if (r.len <= 16) {
      // No entry here is a chunk yet: chunks come from longer prefixes, later.
      paint(t.top, hi, std::size_t{1} << (16 - r.len), value);
      continue;
    }
    const std::uint32_t c2 = chunk_of(t, t.top, hi, r);
    const std::size_t mid = std::size_t{c2} * kChunkEntries + ((r.addr >> 8) & 0xff);
    if (r.len <= 24) {
      paint(t.chunks, mid, std::size_t{1} << (24 - r.len), value);
      continue;
    }
    const std::uint32_t c3 = chunk_of(t, t.chunks, mid, r);
    paint(t.chunks, std::size_t{c3} * kChunkEntries + (r.addr & 0xff), std::size_t{1} << (32 - r.len), value);
  }
  return t;
}

std::uint32_t lookup(const ipv4_table& t, std::uint32_t addr) {
  std::uint32_t v = t.top.at(addr >> 16);
  if (v & kChunk) {
    v = t.chunks.at(std::size_t{v & ~kChunk} * kChunkEntries + ((addr >> 8) & 0xff));
    if (v & kChunk) v = t.chunks.at(std::size_t{v & ~kChunk} * kChunkEntries + (addr & 0xff));
  }
  return v ? v - 1 : XDPKIT_FW_NO_GROUP;
}

}  // namespace xdpkit::firewall
