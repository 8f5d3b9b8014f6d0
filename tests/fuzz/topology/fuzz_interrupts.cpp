// SPDX-License-Identifier: Apache-2.0
// parse_interrupts: any bytes give a table or parse_error; no line has more
// counts than the header has CPUs.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/interrupts.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto t = parse_interrupts(in, "fuzz");
    for (const auto& l : t.lines) {
      if (l.per_cpu.size() > t.cpus.size()) std::abort();
      (void)l.total();
      for (unsigned c : t.cpus) (void)t.count_on(l, c);
    }
    (void)t.matching("eth0");
  } catch (const parse_error&) {
  }
  return 0;
}
