// SPDX-License-Identifier: Apache-2.0
// parse_softnet_stat.
#include <cstdint>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/softnet.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    (void)parse_softnet_stat(in, "fuzz");
  } catch (const parse_error&) {
  }
  return 0;
}
