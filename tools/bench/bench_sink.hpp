// SPDX-License-Identifier: Apache-2.0
// A bench sink: something that receives the lab's traffic on the DUT end —
// a process pinned to the sink CPU (xdpkit, the libxdp reference, dpdk-testpmd)
// or an XDP program alone (the XDP_DROP ceiling). Every sink is counted the
// same way, by the veth's own per-queue XDP counters (`ethtool -S`), so no sink
// grades itself.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::cli {

struct sink_spec {
  std::string name;
  std::vector<std::string> command;  // empty: an in-process XDP program (below)
  std::string counter;               // ethtool -S suffix: "xdp_redirect" or "xdp_drops"
  int firewall_rules = -1;           // in-process: -1 = the XDP_DROP ceiling, N = the firewall with N rules
  bool ipv6 = false;                 // the generator sends the lab's IPv6/UDP frame instead of IPv4
  std::string ready_line = {};       // a process sink is ready once its log has this line (else after 1.5 s)
  bool detach_after = false;         // its XDP program outlives it (a netlink attach): detach it after
  // Where its packets are counted: "dut" (what the DUT's veth did with them),
  // "far" (what a forwarder delivered to the far end's XDP_DROP) or "gen" (what
  // a reflector sent back, counted by an XDP_DROP on the generator's veth).
  std::string count_at = "dut";
  bool cpu_per_packet = false;         // an AF_XDP process whose CPU per packet is measured (xdp_redirect sinks are)
  std::string cpu_ref = "ref-rxdrop-poll";  // the sink its CPU and pps are compared with
};

// A process started inside a namespace, pinned to a CPU; stopped with SIGINT
// (SIGKILL after 5 s) on destruction. Its output goes to `log_path`.
class sink_process {
 public:
  sink_process(const std::string& netns, int cpu, const std::vector<std::string>& command,
               const std::string& log_path);
  sink_process(const sink_process&) = delete;
  sink_process& operator=(const sink_process&) = delete;
  ~sink_process();

  pid_t pid() const noexcept { return pid_; }
  bool running() const;
  // utime + stime in seconds, from /proc/<pid>/stat; nullopt once it exited.
  std::optional<double> cpu_seconds() const;

 private:
  pid_t pid_ = -1;
};

// Sum over the rx queues of `ethtool -S IF`'s rx_queue_<n>_<suffix> counters,
// read inside `netns`. Throws std::runtime_error when ethtool fails.
std::uint64_t veth_xdp_counter(const std::string& netns, const std::string& ifname, const std::string& suffix);

// BPF run-time statistics (run_cnt, run_time_ns per program) on for this
// object's lifetime, through BPF_ENABLE_STATS rather than the sysctl
// kernel.bpf_stats_enabled: the kernel turns them off again when the last such
// fd closes, so even a killed bench leaves the host as it was.
class bpf_run_time_stats {
 public:
  bpf_run_time_stats();  // throws os_error (needs CAP_SYS_ADMIN; Linux 5.8+)

 private:
  unique_fd fd_;
};

// The XDP program attached to IF in `netns`, and the kernel's counters of it.
struct xdp_program_stats {
  std::uint32_t id = 0;
  std::string name;
  std::uint64_t run_cnt = 0;
  std::uint64_t run_time_ns = 0;
};
// nullopt when no XDP program is attached there.
std::optional<xdp_program_stats> attached_xdp_program_stats(const std::string& netns, const std::string& ifname);

}  // namespace xdpkit::cli
