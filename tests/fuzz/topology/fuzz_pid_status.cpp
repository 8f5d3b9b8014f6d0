// SPDX-License-Identifier: Apache-2.0
// parse_pid_status and its typed accessors.
#include <cstdint>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/proc_pid.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto s = parse_pid_status(in, "fuzz");
    (void)s.name();
    try { (void)s.pid(); } catch (const parse_error&) {}
    try { (void)s.ppid(); } catch (const parse_error&) {}
    try { (void)s.kb("VmRSS"); } catch (const parse_error&) {}
    try { (void)s.number("Threads"); } catch (const parse_error&) {}
    try { (void)s.cpus_allowed(); } catch (const parse_error&) {}
    try { (void)s.mems_allowed(); } catch (const parse_error&) {}
  } catch (const parse_error&) {
  }
  return 0;
}
