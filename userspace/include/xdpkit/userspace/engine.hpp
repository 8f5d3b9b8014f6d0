// SPDX-License-Identifier: Apache-2.0
// engine: owns everything one data plane needs on one interface, in the order
// that makes teardown correct: the XDP program, then per queue a UMEM, its
// socket and the worker that polls it. Destroying the engine stops the workers,
// closes the sockets, frees the UMEMs and detaches the program.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/userspace/steer_program.hpp"
#include "xdpkit/userspace/umem.hpp"
#include "xdpkit/userspace/worker.hpp"
#include "xdpkit/userspace/xsk_socket.hpp"

namespace xdpkit {

// Makes one queue's worker: called by engine::start once per queue, on the
// queue's socket and UMEM, with its CPU in the config.
using worker_factory = std::function<worker(xsk_socket&, umem&, const worker_config&)>;

// A factory whose workers each run a copy of `prototype` (handler.hpp): the
// way a user's handler goes into the engine.
template <packet_handler H>
worker_factory run_handler(H prototype) {
  return [prototype](xsk_socket& sock, umem& area, const worker_config& config) {
    return worker(sock, area, prototype, config);
  };
}

struct engine_config {
  std::string ifname;
  // With rules, the firewall (bpf/firewall.bpf.c) is the XDP program and only
  // what a rule sends to redirect-xsk reaches the workers; without, the steer
  // program hands every packet of a bound queue to its worker.
  std::optional<firewall::rule_set> firewall;
  // redirect-dev SLOT -> interface name (in the engine's namespace). Every
  // slot a rule uses must be here: start() refuses a rule set that would
  // send packets into an empty slot.
  std::map<std::uint32_t, std::string> firewall_ports;
  std::vector<std::uint32_t> queues{0};
  std::vector<int> cpus;  // one per queue; empty: workers not pinned
  handler_kind handler = handler_kind::rxdrop;
  // A handler of the caller's instead of `handler` (run_handler(h)); its
  // name for reports. A handler that transmits needs xsk.with_tx (the default).
  worker_factory make_worker;
  std::string handler_name;
  steer_options steer;
  umem_config umem;
  xsk_config xsk;
  worker_config worker;
};

// What the engine reaches on the host besides its own programs and sockets,
// injected so a test can script the NIC and point /proc at a fixture tree.
struct engine_host {
  // NIC control, for the RSS table some drivers lose on an XDP attach (see
  // ethtool::rss_lost_on_xdp_change). Null: the kernel's, made by start() in
  // the calling thread's namespace, and used again there after the detach.
  std::shared_ptr<ethtool::transport> nic;
  // /proc as the engine reads it: the UMEMs' numa_maps, the workers' status.
  topology::host_root root{"/"};
};

struct queue_stats {
  std::uint32_t queue = 0;
  int cpu = -1;
  worker_counters worker;
  xdp_statistics kernel{};  // XDP_STATISTICS of the queue's socket
  std::chrono::nanoseconds cpu_time{0};
  std::uint64_t sleeps = 0;  // the worker thread's voluntary context switches
  unsigned napi_id = 0;      // SO_INCOMING_NAPI_ID (0 on veth, and before traffic)
  int sched_policy = 0;      // SCHED_OTHER, SCHED_FIFO, ...
  std::uint64_t heartbeat = 0;  // worker::heartbeat(): advances while the worker runs
};

struct engine_stats {
  // The XDP program's view (either program): rx, redirected, passed, dropped.
  steer_counters program;
  std::optional<xdpkit_fw_stats> firewall;  // the firewall's verdicts and reasons
  std::vector<queue_stats> queues;
  // Sums over queues, for the one-line views.
  worker_counters total() const;
  std::uint64_t kernel_drops() const;  // rx_dropped + rx_ring_full + invalid descs
};

struct engine_info {
  std::string program;  // "steer" or "firewall"
  xdp_mode mode = xdp_mode::native;
  std::string mode_fallback;  // why generic, when automatic fell back
  attach_backend backend = attach_backend::bpf_link;
  std::string backend_reason;  // why not the libxdp dispatcher
  bool dispatcher = false;
  bool zero_copy = false;
  bool huge_pages = false;
  std::string pages_fallback;  // why normal pages, under huge_preferred
  // Where the UMEMs' pages are, read back from /proc/self/numa_maps after they
  // were faulted in: node -> bytes, summed over queues. Empty if unreadable.
  std::map<unsigned, std::uint64_t> umem_bytes_per_node;
  std::string umem_placement_note;  // set when pages are off the requested node
  std::string rss_note;  // set when the driver needed its RSS table written again after the attach
};

// Every fd the data plane runs on, in one place: what a new process taking
// over a running data plane (a hot restart) needs, handed over the control
// socket with SCM_RIGHTS. The engine owns them: dup what must outlive it.
struct data_plane_fds {
  int program = -1;                               // the XDP program (steer or firewall)
  std::vector<std::pair<std::string, int>> maps;  // its maps by name: xsks, stats, rules_a, ...
  struct queue {
    std::uint32_t queue = 0;
    int xsk = -1;             // the AF_XDP socket (its rings are mmaps of it)
    int umem = -1;            // the UMEM's memfd, -1 unless umem_config::shareable
    std::size_t umem_bytes = 0;  // to map from the memfd, from offset 0
  };
  std::vector<queue> queues;
};

class engine {
 public:
  // Attaches, binds and starts. Throws os_error / std::invalid_argument with the
  // interface and queue named; anything already set up is undone first.
  static engine start(const engine_config& config, engine_host host = {});

  engine(engine&&) noexcept;
  engine& operator=(engine&&) noexcept;
  ~engine();

  engine_stats stats() const;
  const engine_info& info() const noexcept;
  const engine_config& config() const noexcept;
  // Stops the workers (they finish their batch and drain completions); the
  // sockets and program stay until destruction so final stats can be read.
  void stop() noexcept;
  // Swaps the firewall's rule set while traffic flows: every packet sees the
  // old set or the new one, never a mix (firewall_program::apply). Compiled
  // and checked against the ports first; on any error (a rule, a slot no
  // port fills, the steer program) it throws and the running set stays.
  void replace_rules(const firewall::rule_set& rules);
  // Tests: hold one queue's worker as a hung handler would (worker::stall_for_test).
  // Throws std::invalid_argument for a queue the engine does not run.
  void stall_worker_for_test(std::uint32_t queue, bool stall);
  // Each worker's thread id and the CPU it is pinned to (-1: unpinned), in queue order.
  std::vector<std::pair<pid_t, int>> worker_threads() const;
  // Hits per rule of the running set, by rule index (empty for steer).
  std::vector<std::uint64_t> rule_hits() const;
  // Why the data plane has lost its interface, or nullopt while it has it:
  // the ifindex attached to no longer exists in the namespace the engine was
  // started in (the interface was deleted, or moved to another namespace).
  // The kernel then unbinds the sockets and drops the program, so nothing
  // more can arrive; a caller should stop and say so (interface_watch).
  std::optional<std::string> interface_lost() const;

  data_plane_fds fds() const;

 private:
  struct state;
  explicit engine(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit
