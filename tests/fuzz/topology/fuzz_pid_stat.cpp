// SPDX-License-Identifier: Apache-2.0
// parse_pid_stat: comm is whatever lies between the first '(' and the last ')'.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/proc_pid.hpp"

using namespace xdpkit::topology;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto s = parse_pid_stat(in, "fuzz");
    if (s.comm.size() > in.size()) std::abort();
    if (in.find(s.comm) == std::string_view::npos) std::abort();
  } catch (const parse_error&) {
  }
  return 0;
}
