// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/softnet.hpp"

#include "text.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

std::vector<softnet_cpu> parse_softnet_stat(std::string_view input, std::string_view source) {
  std::vector<softnet_cpu> out;
  unsigned line_no = 0;
  for (std::string_view line : text::lines(input)) {
    auto cols = text::split_ws(line);
    if (cols.empty()) continue;
    std::vector<std::uint64_t> v;
    for (auto c : cols) {
      auto n = text::to_number<std::uint64_t>(c, 16);
      if (!n) throw parse_error("softnet_stat line", source, text::quote(line) + ": " + text::quote(c) + " is not hex");
      v.push_back(*n);
    }
    if (v.size() < 3) throw parse_error("softnet_stat line", source, text::quote(line) + " has fewer than 3 columns");
    softnet_cpu s;
    s.cpu = line_no;
    // Kernels since 5.10 print the CPU id in column 13 because offline CPUs
    // have no line; before that the line number was the only hint.
    if (v.size() >= 13 && v[12] <= cpu_set::max_id) s.cpu = static_cast<unsigned>(v[12]);
    s.processed = v[0];
    s.dropped = v[1];
    s.time_squeeze = v[2];
    if (v.size() >= 10) s.received_rps = v[9];
    if (v.size() >= 11) s.flow_limit_count = v[10];
    if (v.size() >= 12) s.backlog_len = v[11];
    out.push_back(s);
    ++line_no;
  }
  return out;
}

std::vector<softnet_cpu> read_softnet_stat(const host_root& root) {
  return parse_softnet_stat(root.read("/proc/net/softnet_stat"), "/proc/net/softnet_stat");
}

}  // namespace xdpkit::topology
