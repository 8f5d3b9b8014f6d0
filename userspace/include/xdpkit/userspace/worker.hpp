// SPDX-License-Identifier: Apache-2.0
// worker: one thread, pinned to one CPU, that owns the data path of one
// (interface, queue): receive a batch, hand it to the handler, transmit or
// recycle each frame, keep the fill ring full, drain the completion ring.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "xdpkit/topology/host_root.hpp"
#include "xdpkit/userspace/handler.hpp"
#include "xdpkit/userspace/handlers.hpp"
#include "xdpkit/userspace/umem.hpp"
#include "xdpkit/userspace/worker_loop.hpp"
#include "xdpkit/userspace/worker_types.hpp"
#include "xdpkit/userspace/xsk_socket.hpp"

namespace xdpkit {

class worker {
 public:
  // Starts the thread and returns once it runs on its CPU. Throws os_error when
  // the CPU can't be used (naming the CPU and the online set) or
  // std::invalid_argument for a batch of 0 or beyond the ring sizes. `sock` and
  // `area` must outlive the worker.
  worker(xsk_socket& sock, umem& area, handler_kind handler, const worker_config& config);
  // The same with a handler of the caller's (handler.hpp); the loop is
  // instantiated for its type here, in the caller's code.
  template <packet_handler H>
  worker(xsk_socket& sock, umem& area, H handler, const worker_config& config)
      : worker(sock, area, config, [h = std::move(handler)](detail::worker_state& st, std::promise<int>& started) mutable {
          detail::run_loop(st, h, started);
        }) {}
  worker(worker&&) noexcept;  // the thread keeps running: it holds the state, not the worker
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
  worker(xsk_socket& sock, umem& area, const worker_config& config,
         std::function<void(detail::worker_state&, std::promise<int>&)> loop);
  std::unique_ptr<detail::worker_state> s_;
};

}  // namespace xdpkit
