// SPDX-License-Identifier: Apache-2.0
// parse_cmdline: any bytes give a kernel_cmdline or parse_error.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/topology/cmdline.hpp"
#include "xdpkit/topology/error.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto c = parse_cmdline(in, "fuzz");
    for (const auto& h : c.hugepages)
      if (h.page_size_kb == 0) std::abort();  // a size is >= 1 kB by construction
    (void)parse_size_kb(in);
  } catch (const parse_error&) {
  }
  return 0;
}
