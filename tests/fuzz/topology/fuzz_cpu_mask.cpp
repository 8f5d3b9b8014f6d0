// SPDX-License-Identifier: Apache-2.0
// cpu_set::parse_mask: anything in, a set or parse_error out; round trips, and
// the algebra agrees with itself on what was parsed.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto half = in.size() / 2;
  try {
    cpu_set a = cpu_set::parse_mask(in.substr(0, half));
    cpu_set b = cpu_set::parse_mask(in.substr(half));
    if (cpu_set::parse_mask(a.to_mask()) != a) std::abort();
    if (cpu_set::parse_list(a.to_list()) != a) std::abort();
    if (((a | b) - b) != (a - b)) std::abort();
    if ((a & b).count() + (a ^ b).count() != (a | b).count()) std::abort();
    if (!(a & b).is_subset_of(a) || a.intersects(b) != !(a & b).empty()) std::abort();
  } catch (const parse_error&) {
  }
  return 0;
}
