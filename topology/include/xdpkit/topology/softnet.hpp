// SPDX-License-Identifier: Apache-2.0
// /proc/net/softnet_stat: per-CPU packet-processing counters of the kernel's
// receive path (backlog drops, time squeezes: a NAPI budget that ran out).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct softnet_cpu {
  unsigned cpu = 0;  // column 13 on kernels >= 5.10, else the line number
  std::uint64_t processed = 0;
  std::uint64_t dropped = 0;
  std::uint64_t time_squeeze = 0;
  std::uint64_t received_rps = 0;     // column 10, 0 when absent
  std::uint64_t flow_limit_count = 0; // column 11, 0 when absent
  std::uint64_t backlog_len = 0;      // column 12, 0 when absent
};

// One entry per line; lines hold only online CPUs. Throws parse_error naming
// `source` for a line with fewer than 3 columns or a column that is not hex.
std::vector<softnet_cpu> parse_softnet_stat(std::string_view text, std::string_view source = {});
// /proc/net/softnet_stat. Throws os_error, parse_error.
std::vector<softnet_cpu> read_softnet_stat(const host_root& root);

}  // namespace xdpkit::topology
