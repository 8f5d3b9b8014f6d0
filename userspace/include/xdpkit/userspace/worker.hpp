// SPDX-License-Identifier: Apache-2.0
// worker: one thread, pinned to one CPU, that owns the data path of one
// (interface, queue): receive a batch, hand it to the handler, transmit or
// recycle each frame, keep the fill ring full, drain the completion ring.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/userspace/handlers.hpp"
#include "xdpkit/userspace/umem.hpp"
#include "xdpkit/userspace/xsk_socket.hpp"

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

class worker {
 public:
  // Starts the thread and returns once it runs on its CPU. Throws os_error when
  // the CPU can't be used (naming the CPU and the online set) or
  // std::invalid_argument for a batch of 0 or beyond the ring sizes. `sock` and
  // `area` must outlive the worker.
  worker(xsk_socket& sock, umem& area, handler_kind handler, const worker_config& config);
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;
  ~worker();  // stops and joins

  // Stops the loop and waits for the thread: counters() are final afterwards.
  void stop() noexcept;
  worker_counters counters() const noexcept;
  // CPU time the worker thread has used so far (user + system).
  std::chrono::nanoseconds cpu_time() const;
  // How often the worker thread has gone to sleep so far (the kernel's
  // voluntary context switches of the thread): in poll mode each one is a
  // wakeup the receiving CPU pays for. 0 when the kernel does not say.
  // Read from <root>/proc/<tid>/status while the thread runs.
  std::uint64_t sleeps(const topology::host_root& root) const noexcept;
  int cpu() const noexcept;
  // The thread's id (gettid), for /proc/TID and cgroups.
  pid_t thread_id() const noexcept;
  // Advances while the worker's loop turns; stands still when it hangs (a
  // handler that never returns, a thread the kernel does not run).
  std::uint64_t heartbeat() const noexcept;
  // Tests: hold the loop (no packets, no heartbeat) until called with false,
  // as a hung handler would; stop() still ends it.
  void stall_for_test(bool stall) noexcept;
  // The scheduling policy the thread runs under, read back after setting it.
  int sched_policy() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit
