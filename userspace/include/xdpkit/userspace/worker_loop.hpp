// SPDX-License-Identifier: Apache-2.0
// The worker's loop as a template, so a handler's call inlines into it: the
// worker (worker.hpp) instantiates it once per handler type, built-in or a
// user's (no virtual call, no allocation, no lock per packet). Not an API of
// its own: include xdpkit/userspace/handler.hpp and give the engine a
// handler; this header is what makes that compile in the user's code.
#pragma once

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <span>
#include <thread>

#include "xdpkit/userspace/frame_batch.hpp"
#include "xdpkit/userspace/frame_stack.hpp"
#include "xdpkit/userspace/handler.hpp"
#include "xdpkit/userspace/umem.hpp"
#include "xdpkit/userspace/worker_types.hpp"
#include "xdpkit/userspace/xsk_socket.hpp"

namespace xdpkit {

namespace detail {

inline constexpr std::uint32_t max_batch = 256;

// Published by the worker after every batch, read by anyone. One writer, so
// relaxed stores of thread-local totals are enough; padded so readers polling
// them don't share a cache line with the worker's hot state.
struct alignas(64) published_counters {
  std::atomic<std::uint64_t> rx_packets{0}, rx_bytes{0}, tx_packets{0}, dropped{0}, tx_ring_full{0},
      rx_wakeups{0}, tx_kicks{0}, polls{0}, kick_retries{0}, kick_errors{0};
  std::atomic<int> last_kick_error{0};
  // Advances while the loop turns (busy: every 1024 turns; poll: every
  // turn, at least each poll timeout): a watchdog's proof of life.
  std::atomic<std::uint64_t> heartbeat{0};
};

// What a kick's return says: -1 with EAGAIN/EBUSY/ENOBUFS/EINTR is the kernel
// being busy (libxdp's samples treat them alike), anything else a failure.
inline void count_kick(long ret, worker_counters& c) noexcept {
  if (ret >= 0) return;
  const int err = errno;
  if (err == EAGAIN || err == EBUSY || err == ENOBUFS || err == EINTR) {
    ++c.kick_retries;
    return;
  }
  ++c.kick_errors;
  c.last_kick_error = err;
}

// What the loop runs on; owned by the worker, shared with its thread.
struct worker_state {
  worker_state(xsk_socket& s, umem& a, const worker_config& c) : sock(s), area(a), config(c) {}
  xsk_socket& sock;
  umem& area;
  worker_config config;
  std::atomic<bool> stopping{false};
  std::atomic<bool> stalled{false};  // stall_for_test()
  published_counters published;
  std::thread thread;
  pthread_t native{};
  // The thread's CPU time at exit: its clock is gone once it has returned.
  std::atomic<bool> finished{false};
  std::atomic<std::int64_t> final_cpu_ns{0};
  std::atomic<pid_t> tid{0};  // for /proc/TID/status while it runs
  std::atomic<std::uint64_t> final_sleeps{0};
  int policy = 0;
  // Runs the loop with the worker's handler (set once, before the thread starts).
  std::function<void(worker_state&, std::promise<int>&)> loop;
};

// Sets `started` once the fill ring is primed, then polls until stopped.
template <typename Handler>
void run_loop(worker_state& st, Handler& handler, std::promise<int>& started) noexcept {
  xsk_socket& sock = st.sock;
  umem& area = st.area;
  const worker_config& config = st.config;
  const std::atomic<bool>& stopping = st.stopping;
  const std::atomic<bool>& stalled = st.stalled;
  published_counters& published = st.published;
  xsk_ring_cons& rx = sock.rx();
  xsk_ring_prod& tx = sock.tx();
  xsk_ring_prod& fill = area.fill();
  xsk_ring_cons& comp = area.completion();
  const int fd = sock.fd();
  const bool need_wakeup = sock.need_wakeup();
  // With busy polling the syscalls are what run the NAPI: make them whenever
  // the rings are idle, not only when the kernel asks.
  const bool busy_poll = sock.busy_poll_usec() > 0;
  const std::uint32_t batch = config.batch;
  const std::uint32_t frame_size = area.config().frame_size;
  // Refill in batches, but never wait for more free frames than can ever be
  // free at once: with --batch 128 and 64 frames, "refill once 128 are free"
  // stalled the queue after its first 64 packets (issue 12).
  const std::uint32_t refill_at = std::max<std::uint32_t>(1, std::min(batch, area.config().frame_count / 2));

  frame_stack free_frames(area.config().frame_count);
  free_frames.seed(0, area.config().frame_count, frame_size);

  worker_counters c;
  std::uint64_t in_flight = 0;  // buffers on the tx ring, not yet completed
  // With multi-buffer a peek takes room for a whole frame beyond the batch,
  // and transmitted frames are counted by their last buffer's completion.
  const bool multi_buffer = sock.multi_buffer();
  const std::uint32_t want = multi_buffer ? batch + max_segments - 1 : batch;
  frame_batch<max_batch + max_segments> rxb;
  std::array<verdict, max_batch + max_segments> verdicts;
  tx_frames sent_frames(multi_buffer ? tx.size : 0);

  auto refill = [&] {
    std::uint32_t n = xsk_prod_nb_free(&fill, free_frames.size());
    n = std::min(n, free_frames.size());
    if (!n) return;
    std::uint32_t idx;
    if (xsk_ring_prod__reserve(&fill, n, &idx) != n) return;
    for (std::uint32_t i = 0; i < n; ++i) *xsk_ring_prod__fill_addr(&fill, idx + i) = free_frames.pop();
    xsk_ring_prod__submit(&fill, n);
  };
  bool dirty = false;  // counters changed since the last publish
  auto complete = [&] {
    std::uint32_t idx;
    std::uint32_t n = xsk_ring_cons__peek(&comp, max_batch, &idx);
    for (std::uint32_t i = 0; i < n; ++i) free_frames.push(*xsk_ring_cons__comp_addr(&comp, idx + i));
    if (n) {
      dirty = true;
      xsk_ring_cons__release(&comp, n);
      in_flight -= n;
      c.tx_packets += multi_buffer ? sent_frames.completed(n) : n;
    }
  };
  auto kick_tx = [&] {
    // Copy mode transmits only inside sendto(); the kernel keeps the tx
    // need_wakeup flag set there, so that is one syscall per batch. Zero-copy
    // drivers clear the flag while their NAPI is already sending.
    if (busy_poll || !need_wakeup || xsk_ring_prod__needs_wakeup(&tx)) {
      count_kick(sendto(fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0), c);
      ++c.tx_kicks;
      dirty = true;
    }
  };
  auto publish = [&] {
    dirty = false;
    published.rx_packets.store(c.rx_packets, std::memory_order_relaxed);
    published.rx_bytes.store(c.rx_bytes, std::memory_order_relaxed);
    published.tx_packets.store(c.tx_packets, std::memory_order_relaxed);
    published.dropped.store(c.dropped, std::memory_order_relaxed);
    published.tx_ring_full.store(c.tx_ring_full, std::memory_order_relaxed);
    published.rx_wakeups.store(c.rx_wakeups, std::memory_order_relaxed);
    published.tx_kicks.store(c.tx_kicks, std::memory_order_relaxed);
    published.polls.store(c.polls, std::memory_order_relaxed);
    published.kick_retries.store(c.kick_retries, std::memory_order_relaxed);
    published.kick_errors.store(c.kick_errors, std::memory_order_relaxed);
    published.last_kick_error.store(c.last_kick_error, std::memory_order_relaxed);
  };

  refill();
  // Only now may the engine put the socket in the XSKMAP: a packet redirected
  // to an empty fill ring is dropped (the socket's rx_dropped). Found by the
  // rig, where a slow guest ran the first packets in before this thread did.
  started.set_value(0);
  std::uint32_t idle = 0;
  std::uint64_t turns = 0;
  while (!stopping.load(std::memory_order_relaxed)) {
    if (stalled.load(std::memory_order_relaxed)) [[unlikely]] {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a hung handler, as a test makes one
      continue;
    }
    if ((++turns & 0x3ff) == 0 || config.wait == wait_mode::poll)
      published.heartbeat.store(turns, std::memory_order_relaxed);
    if (in_flight) {
      complete();
      if (in_flight) kick_tx();  // copy mode: frames still queued need another push
    }
    if (free_frames.size() >= refill_at) refill();

    rxb.take(rx, area, want, 0);
    const std::uint32_t n = rxb.packets;
    if (!n) {
      if (config.wait == wait_mode::poll) {
        pollfd p{fd, POLLIN, 0};
        ++c.polls;
        count_kick(poll(&p, 1, config.poll_timeout_ms), c);
      } else if (busy_poll || (need_wakeup && xsk_ring_prod__needs_wakeup(&fill))) {
        count_kick(recvfrom(fd, nullptr, 0, MSG_DONTWAIT, nullptr, nullptr), c);
        ++c.rx_wakeups;
        dirty = true;
      }
      // Idle: publish what completions changed, at most every 1024 spins in
      // busy mode (a store burst per spin would cost the next batch).
      if (dirty && (config.wait == wait_mode::poll || (++idle & 0x3ff) == 0)) publish();
      continue;
    }
    c.rx_bytes += rxb.bytes;
    c.rx_packets += n;

    handler(std::span<const packet>(rxb.pkts.data(), n), std::span<verdict>(verdicts.data(), n));

    // One port: forward is tx here. A frame needs a slot per buffer.
    std::uint32_t want_tx = 0;
    for (std::uint32_t i = 0; i < n; ++i) want_tx += verdicts[i] != verdict::drop ? rxb.count[i] : 0;
    std::uint32_t tx_idx = 0;
    bool have_tx = false;
    if (want_tx && tx.size) {  // a socket without a tx ring (xsk_config::with_tx) counts them as ring-full
      have_tx = xsk_ring_prod__reserve(&tx, want_tx, &tx_idx) == want_tx;
      if (!have_tx) {  // make room once; a ring still full means the link is slower than rx
        complete();
        kick_tx();
        have_tx = xsk_ring_prod__reserve(&tx, want_tx, &tx_idx) == want_tx;
      }
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      if (verdicts[i] != verdict::drop && have_tx) {
        rxb.put(tx, tx_idx, i);
        tx_idx += rxb.count[i];
        if (multi_buffer) sent_frames.sent(rxb.count[i]);
      } else {
        if (verdicts[i] != verdict::drop)
          ++c.tx_ring_full;
        else
          ++c.dropped;
        rxb.free(free_frames, i);
      }
    }
    if (want_tx && have_tx) {
      xsk_ring_prod__submit(&tx, want_tx);
      in_flight += want_tx;
      kick_tx();
    }
    publish();
  }
  // Let the last transmissions complete (bounded: the kernel finishes copy-mode
  // sends inside sendto), so tx counts what actually left.
  for (int i = 0; i < 100 && in_flight; ++i) {
    kick_tx();
    complete();
  }
  publish();
}

}  // namespace detail
}  // namespace xdpkit
