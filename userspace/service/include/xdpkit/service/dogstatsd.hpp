// SPDX-License-Identifier: Apache-2.0
// DogStatsD ([metrics] dogstatsd = "udp://HOST:PORT"): the same families the
// Prometheus endpoint serves, pushed once a second. Counters go as their
// growth since the last push (`|c`: the agent sums what arrives, so a lost
// datagram loses only its own share, and a gauge of a running total would
// keep only the last value); gauges go as they are (`|g`). Every line is
// tagged with the host's boot id (/proc/sys/kernel/random/boot_id), so a
// reboot, which restarts every counter, is visible.
#pragma once

#include <prometheus/metric_family.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "xdpkit/base/unique_fd.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::service {

// "xdpkit.rx_packets:5|c|#interface:eth1,queue:0,boot_id:..." lines for the
// families: counters by their growth over `last` (updated; a counter that
// did not grow sends nothing), gauges whole. Pure, for the sink and tests.
std::vector<std::string> dogstatsd_lines(const std::vector<prometheus::MetricFamily>& families,
                                         std::map<std::string, double>& last, const std::string& boot_id);

// The host's boot id, "" when the kernel does not say.
std::string read_boot_id(const topology::host_root& root);

class dogstatsd_sink {
 public:
  // `target` is "udp://HOST:PORT". Throws std::invalid_argument for one
  // that does not resolve, os_error when no socket can be made.
  dogstatsd_sink(const std::string& target, std::string boot_id);
  // Sends the lines, packed into datagrams of at most 1432 bytes (one
  // Ethernet frame with room for tunnels). Returns the datagrams sent; a send
  // that fails (no agent listening: ECONNREFUSED) is counted, not thrown:
  // metrics must never stop the data plane.
  std::size_t push(const std::vector<prometheus::MetricFamily>& families);
  std::uint64_t send_errors() const noexcept { return send_errors_; }
  const std::string& target() const noexcept { return target_; }

 private:
  std::string target_, boot_id_;
  unique_fd fd_;
  std::map<std::string, double> last_;
  std::uint64_t send_errors_ = 0;
};

}  // namespace xdpkit::service
