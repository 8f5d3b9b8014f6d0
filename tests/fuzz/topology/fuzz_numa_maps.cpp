// SPDX-License-Identifier: Apache-2.0
// parse_numa_maps: byte counts saturate instead of overflowing.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/numa_maps.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto maps = parse_numa_maps(in, "fuzz");
    for (const auto& m : maps) {
      std::uint64_t sum = 0;
      for (const auto& [node, pages] : m.pages_per_node) {
        (void)pages;
        std::uint64_t b = m.bytes_on_node(node);
        sum = b > UINT64_MAX - sum ? UINT64_MAX : sum + b;
      }
      if (sum > m.bytes() && m.bytes() != UINT64_MAX) std::abort();
      (void)find_mapping(maps, m.start);
    }
  } catch (const parse_error&) {
  }
  return 0;
}
