// SPDX-License-Identifier: Apache-2.0
// parse_buddyinfo and the huge-page estimate over what it parsed, for every
// page size and base page size (the shifts must not overflow).
#include <cstdint>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/hugepages.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto zones = parse_buddyinfo(in, "fuzz");
    for (std::uint64_t kb : {4ull, 64ull, 2048ull, 1048576ull, 3000ull, 0ull})
      for (std::uint64_t base : {4ull, 16ull, 64ull, 0ull})
        for (const auto& z : zones) (void)hugepages_available(zones, z.node, kb, base);
  } catch (const parse_error&) {
  }
  return 0;
}
