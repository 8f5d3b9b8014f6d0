// SPDX-License-Identifier: Apache-2.0
// parse_meminfo, system and per-node formats.
#include <cstdint>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/meminfo.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto m = parse_meminfo(in, "fuzz");
    (void)m.get("MemTotal");
  } catch (const parse_error&) {
  }
  return 0;
}
