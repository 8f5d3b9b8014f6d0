// SPDX-License-Identifier: Apache-2.0
// parse_cmdline: any bytes give a kernel_cmdline or parse_error, and its
// accessors agree with the parsed settings (issue 12: a setting whose value()
// was empty was dereferenced by the validator).
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
    if (c.isolcpus && c.value("isolcpus") != c.isolcpus->text) std::abort();
    if (c.isolcpus && !c.has("isolcpus")) std::abort();
    for (const char* key : {"isolcpus", "nohz_full", "rcu_nocbs", "irqaffinity", "hugepages", "hugepagesz",
                            "default_hugepagesz", "numa_balancing"}) {
      const auto v = c.value(key);
      if (v && !c.has(key)) std::abort();
      if (v) (void)v->size();
    }
  } catch (const parse_error&) {
  }
  return 0;
}
