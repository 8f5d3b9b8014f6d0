// SPDX-License-Identifier: Apache-2.0
// afxdp_forwarder: `xdpkit forward A B --path afxdp`. Per queue, one UMEM
// shared by a socket on A and a socket on B (XDP_SHARED_UMEM: each with its
// own fill and completion ring), xdpkit's steer program on both interfaces,
// and one worker, pinned, that turns both: a frame received on A is put on
// B's tx ring as it lies in the UMEM (no copy in userspace) and the other way
// round; whichever completion ring gives a frame back, it goes to whichever
// fill ring needs one. Frames are forwarded unchanged (testpmd's io mode)
// unless a handler (handler.hpp) is given: forward_handler(h) runs a copy of
// it per queue pair, inlined into the loop (pair_loop.hpp), and its verdicts
// send each frame to the peer port, back out of its own, or to the free frames.
//
// The frame accounting is checked when the worker stops: every frame of the
// UMEM is then free, in one of the two fill rings, or held by the kernel
// (taken from a fill ring, not yet received), each exactly once.
//
// With rules (forward_rules), the firewall takes the steer program's place on
// both interfaces and its rules choose per frame: redirect-dev peer straight
// across in XDP (no socket, no worker: the cheapest path), redirect-xsk to
// the queue pair's worker and its handler, and drop, pass or tx as anywhere.
#pragma once

#include <linux/if_xdp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/bpf/firewall_abi.h"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/forward/pair_loop.hpp"
#include "xdpkit/userspace/handlers.hpp"
#include "xdpkit/userspace/steer_program.hpp"
#include "xdpkit/userspace/umem.hpp"
#include "xdpkit/userspace/worker_types.hpp"
#include "xdpkit/userspace/xsk_socket.hpp"

namespace xdpkit::forward {

// A loop whose worker runs a copy of `prototype` on each batch of either port.
template <packet_handler H>
pair_loop forward_handler(H prototype) {
  return [prototype](detail::queue_pair& p, std::promise<int>& started) {
    H h = prototype;
    detail::run_pair(p, h, started);
  };
}

// The mixed path's rules, the same on both interfaces. `redirect-dev peer`
// (XDPKIT_FW_PEER_SLOT) is B on A's program and A on B's; other slots are
// filled from `ports` (SLOT -> interface), alike on both.
struct forward_rules {
  firewall::rule_set rules;
  std::map<std::uint32_t, std::string> ports;
};
// Whether any rule, the default or the non-IP action sends frames to a socket.
bool sends_to_sockets(const firewall::rule_set& rules) noexcept;

struct afxdp_forwarder_config {
  std::string a, b;
  // The same queue number on both interfaces. Empty only with rules that send
  // nothing to a socket: then no socket is made and every frame stays in XDP.
  std::vector<std::uint32_t> queues{0};
  std::vector<int> cpus;                 // one per queue pair; empty: unpinned
  steer_options steer;
  umem_config umem;
  xsk_config xsk;
  std::uint32_t batch = 64;
  wait_mode wait = wait_mode::busy;
  int poll_timeout_ms = 100;
  // The loop each queue pair's worker runs: forward_handler(h); empty is
  // forward_handler(io_handler{}), every frame out of the peer port unchanged.
  pair_loop loop;
  std::string handler_name = "io";  // for reports
  // The firewall with these rules instead of the steer program (the mixed
  // path); its options come from `steer` (mode, no_socket, multi_buffer).
  std::optional<forward_rules> rules;
};

struct afxdp_pair_stats {
  std::uint32_t queue = 0;
  int cpu = -1;
  afxdp_direction_counters a_to_b, b_to_a;
  xdp_statistics a{}, b{};  // the kernel's per-socket drops
  // Set once the worker stopped: the UMEM's frames, and how many were found
  // free, in a fill ring or held by the kernel (a zero-copy driver's rx ring)
  // exactly once: equal when none was lost or used twice.
  std::uint32_t frames = 0;
  std::optional<std::uint32_t> frames_accounted;
  std::uint32_t frames_in_kernel = 0;
  std::string accounting_error;  // what was wrong, when they differ
};

class afxdp_forwarder {
 public:
  // Attaches the steer program (or the firewall) to A and B, makes each queue pair's UMEM and
  // sockets and starts its worker, in the calling thread's namespace. Throws
  // os_error naming the interface and queue; nothing stays attached.
  static afxdp_forwarder start(const afxdp_forwarder_config& config);

  afxdp_forwarder(afxdp_forwarder&&) noexcept;
  afxdp_forwarder& operator=(afxdp_forwarder&&) noexcept;
  ~afxdp_forwarder();

  std::vector<afxdp_pair_stats> stats() const;
  // The steer program's counters (without rules; zeros with them).
  steer_counters program_counters(bool of_a) const;
  // The firewall's (with rules), summed over CPUs; nullopt without rules.
  std::optional<xdpkit_fw_stats> firewall_counters(bool of_a) const;
  // Stops every worker (in-flight transmissions are waited for, briefly),
  // checks its frame accounting and detaches both programs, so the counters
  // read next are final; the sockets and maps stay until destruction.
  void stop() noexcept;
  bool zero_copy() const noexcept;
  const afxdp_forwarder_config& config() const noexcept;
  // What start() chose that was not asked for: with bind_mode::automatic, a
  // queue pair bound in copy mode because A took zero-copy and B has none.
  const std::vector<std::string>& notes() const noexcept;

 private:
  struct state;
  explicit afxdp_forwarder(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::forward
