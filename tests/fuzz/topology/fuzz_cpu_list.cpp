// SPDX-License-Identifier: Apache-2.0
// cpu_set::parse_list: anything in, a set or parse_error out; what it prints
// parses back to the same set in both formats.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    cpu_set s = cpu_set::parse_list(in);
    if (cpu_set::parse_list(s.to_list()) != s) std::abort();
    if (cpu_set::parse_mask(s.to_mask()) != s) std::abort();
    if (s.count() != s.ids().size()) std::abort();
  } catch (const parse_error&) {
  }
  return 0;
}
