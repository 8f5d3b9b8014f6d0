// SPDX-License-Identifier: Apache-2.0
// A worker's settings and counters: what the engine gives it and reads back.
#pragma once

#include <cstdint>

namespace xdpkit {

enum class wait_mode {
  busy,  // spin on the rings; recvfrom() only when the kernel asks (need_wakeup)
  poll,  // sleep in poll() when the rx ring is empty: less CPU, more latency
};

struct worker_config {
  int cpu = -1;  // -1: not pinned
  std::uint32_t batch = 64;
  wait_mode wait = wait_mode::busy;
  int poll_timeout_ms = 100;
  int fifo_priority = 0;  // > 0: SCHED_FIFO at this priority (1-99); 0: the default policy
  // Once its CPU and policy are set, the thread gives up every capability
  // (a capability set is per thread): turning the rings needs none, so a
  // bug in a handler runs with no privilege at all.
  bool drop_capabilities = false;
};

// A snapshot of a worker's counters. Each frame received ends as exactly one of
// tx (completed by the kernel), dropped (by the handler), tx_ring_full (the
// handler said tx but the ring had no room) or is still in flight.
struct worker_counters {
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_packets = 0;    // transmissions the kernel completed
  std::uint64_t dropped = 0;       // handler verdict drop
  std::uint64_t tx_ring_full = 0;  // verdict tx, but no tx slot: dropped
  std::uint64_t rx_wakeups = 0;    // recvfrom() kicks for the fill ring
  std::uint64_t tx_kicks = 0;      // sendto() kicks for the tx ring
  std::uint64_t polls = 0;         // poll() calls in wait_mode::poll
  // Kicks (sendto, recvfrom, poll) the kernel answered with "busy, again"
  // (EAGAIN, EBUSY, ENOBUFS, EINTR): the next spin tries again.
  std::uint64_t kick_retries = 0;
  // Kicks that failed otherwise (ENETDOWN: the interface went down; ENXIO:
  // the device is gone). The worker goes on, so a link that comes back is
  // served again; `last_kick_error` is the errno of the latest.
  std::uint64_t kick_errors = 0;
  int last_kick_error = 0;
};

}  // namespace xdpkit
