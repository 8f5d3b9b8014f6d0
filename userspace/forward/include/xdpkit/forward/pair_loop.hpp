// SPDX-License-Identifier: Apache-2.0
// The AF_XDP forwarder's worker loop as a template, so a handler's call
// inlines into it (as worker_loop.hpp does for `run`). One queue pair: a
// socket on port 0 (A) and one on port 1 (B) sharing one UMEM. Each batch
// received on a port goes to the handler; a frame it forwards is put on the
// peer port's tx ring as it lies in the UMEM (no copy), a frame it tx's on its
// own port's, and a frame it drops goes back to the free frames. Whichever
// completion ring gives a frame back, it goes to whichever fill ring needs one.
// Not an API of its own: afxdp_forwarder.hpp's forward_handler(h) is.
#pragma once

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "xdpkit/userspace/frame_batch.hpp"
#include "xdpkit/userspace/frame_stack.hpp"
#include "xdpkit/userspace/handler.hpp"
#include "xdpkit/userspace/umem.hpp"
#include "xdpkit/userspace/worker_types.hpp"
#include "xdpkit/userspace/xsk_socket.hpp"

namespace xdpkit::forward {

// One direction of one queue pair (what came in on one port), as its worker counts it.
struct afxdp_direction_counters {
  std::uint64_t rx_packets = 0, rx_bytes = 0;
  std::uint64_t tx_packets = 0;    // completed by the kernel on the far port (forwarded, or tx'd back there)
  std::uint64_t tx_ring_full = 0;  // no room on the tx ring the verdict chose: dropped
  std::uint64_t dropped = 0;       // the handler's drop verdicts
  std::uint64_t returned = 0;      // the handler's tx verdicts: sent back out of the port they came in on
};

namespace detail {

inline constexpr std::uint32_t pair_max_batch = 256;
using xdpkit::detail::frame_batch;
using xdpkit::detail::max_segments;
using xdpkit::detail::tx_frames;

struct published_direction {
  std::atomic<std::uint64_t> rx_packets{0}, rx_bytes{0}, tx_packets{0}, tx_ring_full{0}, dropped{0}, returned{0};
  void store(const afxdp_direction_counters& c) noexcept {
    rx_packets.store(c.rx_packets, std::memory_order_relaxed);
    rx_bytes.store(c.rx_bytes, std::memory_order_relaxed);
    tx_packets.store(c.tx_packets, std::memory_order_relaxed);
    tx_ring_full.store(c.tx_ring_full, std::memory_order_relaxed);
    dropped.store(c.dropped, std::memory_order_relaxed);
    returned.store(c.returned, std::memory_order_relaxed);
  }
  afxdp_direction_counters load() const noexcept {
    return {rx_packets.load(std::memory_order_relaxed), rx_bytes.load(std::memory_order_relaxed),
            tx_packets.load(std::memory_order_relaxed), tx_ring_full.load(std::memory_order_relaxed),
            dropped.load(std::memory_order_relaxed),    returned.load(std::memory_order_relaxed)};
  }
};

struct pair_settings {
  std::uint32_t batch = 64;
  wait_mode wait = wait_mode::busy;
  int poll_timeout_ms = 100;
};

// One queue pair: members go bottom-up, the UMEM last (both sockets map it).
struct queue_pair {
  queue_pair(std::uint32_t q, int c, umem u, pair_settings s) : queue(q), cpu(c), area(std::move(u)), settings(s) {}
  std::uint32_t queue;
  int cpu;
  umem area;
  pair_settings settings;
  std::optional<xsk_socket> sa, sb;
  std::optional<frame_stack> free_frames;
  std::uint64_t in_flight_a = 0, in_flight_b = 0;  // on a's and b's tx rings, not yet completed
  afxdp_direction_counters ab{}, ba{};
  published_direction pub_ab, pub_ba;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::optional<std::uint32_t> accounted;
  // Of those, held by the kernel at the stop: taken from a fill ring and not
  // received (a zero-copy driver keeps its rx ring stocked with them).
  std::uint32_t in_kernel = 0;
  std::string accounting_error;

  // After the worker stopped and the sockets left the maps (afxdp_forwarder.cpp).
  void drain_and_account() noexcept;
};

// A kick the kernel answers "busy, again" is retried by the next turn; the rest are ignored here
// (a link that goes down comes back without the worker's help).
inline void kick_pair_tx(xsk_socket& s) noexcept {
  if (!s.need_wakeup() || xsk_ring_prod__needs_wakeup(&s.tx()))
    (void)sendto(s.fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0);
}

// Sets `started` (0, or the errno of the pinning) once both fill rings are
// primed, then turns both sockets until stopped.
template <packet_handler Handler>
void run_pair(queue_pair& p, Handler& handler, std::promise<int>& started) noexcept {
  if (p.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(p.cpu, &set);
    if (int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
      started.set_value(err);
      return;
    }
  }
  xsk_socket& a = *p.sa;
  xsk_socket& b = *p.sb;
  frame_stack& free = *p.free_frames;
  umem& area = p.area;
  const std::uint32_t frame_size = area.config().frame_size;
  const std::uint32_t batch = std::clamp<std::uint32_t>(p.settings.batch, 1, pair_max_batch);
  const auto base = [frame_size](std::uint64_t addr) { return addr - addr % frame_size; };
  // With multi-buffer a peek takes room for a whole frame beyond the batch,
  // and each port counts transmitted frames by their last buffer's completion.
  const bool multi_buffer = a.multi_buffer();
  const std::uint32_t want = multi_buffer ? batch + max_segments - 1 : batch;
  frame_batch<pair_max_batch + max_segments> rxb;
  std::array<verdict, pair_max_batch + max_segments> verdicts;
  tx_frames sent_a(multi_buffer ? a.tx().size : 0), sent_b(multi_buffer ? b.tx().size : 0);
  const auto sent_of = [&](xsk_socket& s) -> tx_frames& { return &s == &a ? sent_a : sent_b; };

  auto refill = [&](xsk_ring_prod& fq, std::uint32_t most) {
    std::uint32_t n = std::min({xsk_prod_nb_free(&fq, most), free.size(), most});
    if (!n) return;
    std::uint32_t idx;
    if (xsk_ring_prod__reserve(&fq, n, &idx) != n) return;
    for (std::uint32_t i = 0; i < n; ++i) *xsk_ring_prod__fill_addr(&fq, idx + i) = free.pop();
    xsk_ring_prod__submit(&fq, n);
  };
  auto complete = [&](xsk_socket& s, std::uint64_t& in_flight, afxdp_direction_counters& dir) {
    xsk_ring_cons& cq = s.completion();
    std::uint32_t idx;
    const std::uint32_t n = xsk_ring_cons__peek(&cq, pair_max_batch, &idx);
    for (std::uint32_t i = 0; i < n; ++i) free.push(base(*xsk_ring_cons__comp_addr(&cq, idx + i)));
    if (n) {
      xsk_ring_cons__release(&cq, n);
      in_flight -= n;
      dir.tx_packets += multi_buffer ? sent_of(s).completed(n) : n;
    }
  };
  // Reserves `want` slots on s's tx ring: once more after making room, since
  // a ring still full then means that link is slower than this one.
  auto reserve_tx = [&](xsk_socket& s, std::uint64_t& in_flight, afxdp_direction_counters& into, std::uint32_t want,
                        std::uint32_t& idx) {
    if (!want) return false;
    if (xsk_ring_prod__reserve(&s.tx(), want, &idx) == want) return true;
    complete(s, in_flight, into);
    kick_pair_tx(s);
    return xsk_ring_prod__reserve(&s.tx(), want, &idx) == want;
  };
  // One batch received on `from` (port `port`): the handler's verdicts put
  // each frame on the peer's tx ring, back on from's, or among the free.
  // `dir` counts what came in on `from`, `back` what came in on `to` (whose
  // out is from's completions).
  auto serve = [&](xsk_socket& from, std::uint16_t port, std::uint64_t& from_in_flight, xsk_socket& to,
                   std::uint64_t& to_in_flight, afxdp_direction_counters& dir,
                   afxdp_direction_counters& back) -> std::uint32_t {
    rxb.take(from.rx(), area, want, port);
    const std::uint32_t n = rxb.packets;
    if (!n) return 0;
    dir.rx_bytes += rxb.bytes;
    dir.rx_packets += n;

    handler(std::span<const packet>(rxb.pkts.data(), n), std::span<verdict>(verdicts.data(), n));

    // A frame needs a slot per buffer on the ring its verdict chose.
    std::uint32_t want_fwd = 0, want_back = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      want_fwd += verdicts[i] == verdict::forward ? rxb.count[i] : 0;
      want_back += verdicts[i] == verdict::tx ? rxb.count[i] : 0;
    }
    std::uint32_t fwd_idx = 0, back_idx = 0;
    const bool fwd_room = reserve_tx(to, to_in_flight, dir, want_fwd, fwd_idx);
    const bool back_room = reserve_tx(from, from_in_flight, back, want_back, back_idx);
    std::uint32_t fwd = 0, returned = 0, returned_frames = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      const verdict v = verdicts[i];
      if (v == verdict::forward && fwd_room) {
        rxb.put(to.tx(), fwd_idx + fwd, i);
        fwd += rxb.count[i];
        if (multi_buffer) sent_of(to).sent(rxb.count[i]);
      } else if (v == verdict::tx && back_room) {
        rxb.put(from.tx(), back_idx + returned, i);
        returned += rxb.count[i];
        ++returned_frames;
        if (multi_buffer) sent_of(from).sent(rxb.count[i]);
      } else {
        if (v == verdict::forward || v == verdict::tx) ++dir.tx_ring_full;
        else ++dir.dropped;  // a value no verdict names is a drop too
        rxb.free(free, i);
      }
    }
    if (fwd) {
      xsk_ring_prod__submit(&to.tx(), fwd);
      to_in_flight += fwd;
      kick_pair_tx(to);
    }
    if (returned) {
      xsk_ring_prod__submit(&from.tx(), returned);
      from_in_flight += returned;
      dir.returned += returned_frames;
      kick_pair_tx(from);
    }
    return n;
  };

  // Each fill ring holds at most half the frames: an interface that receives
  // nothing would otherwise end up hoarding them all while the busy one starves
  // (the first version did: 4,000 frames through, then the sender's ring had none).
  const std::uint32_t frames = area.config().frame_count;
  const std::uint32_t fill_target = frames / 2;
  const auto top_up = [&](xsk_ring_prod& fq) {
    const std::uint32_t queued = fq.cached_prod - __atomic_load_n(fq.consumer, __ATOMIC_ACQUIRE);
    if (queued < fill_target) refill(fq, fill_target - queued);
  };
  top_up(a.fill());
  top_up(b.fill());
  started.set_value(0);
  const std::uint32_t refill_at = std::max<std::uint32_t>(1, std::min(batch, frames / 4));
  while (!p.stopping.load(std::memory_order_relaxed)) {
    // Completions on B are what left B: A's forwards (and B's own tx verdicts).
    if (p.in_flight_b) complete(b, p.in_flight_b, p.ab);
    if (p.in_flight_a) complete(a, p.in_flight_a, p.ba);
    if (p.in_flight_b) kick_pair_tx(b);  // copy mode sends only inside sendto()
    if (p.in_flight_a) kick_pair_tx(a);
    if (free.size() >= refill_at) {
      top_up(a.fill());
      top_up(b.fill());
    }
    const std::uint32_t n = serve(a, 0, p.in_flight_a, b, p.in_flight_b, p.ab, p.ba) +
                            serve(b, 1, p.in_flight_b, a, p.in_flight_a, p.ba, p.ab);
    p.pub_ab.store(p.ab);
    p.pub_ba.store(p.ba);
    if (n) continue;
    if (p.settings.wait == wait_mode::poll) {
      pollfd fds[2] = {{a.fd(), POLLIN, 0}, {b.fd(), POLLIN, 0}};
      (void)poll(fds, 2, p.in_flight_a || p.in_flight_b ? 1 : p.settings.poll_timeout_ms);
    } else {
      for (xsk_socket* s : {&a, &b})
        if (s->need_wakeup() && xsk_ring_prod__needs_wakeup(&s->fill()))
          (void)recvfrom(s->fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
    }
  }
  // Stopped once the sockets left the programs' maps: what is still on the rx
  // rings is served before the worker goes (bounded: nothing new comes).
  for (int i = 0; i < 64 && serve(a, 0, p.in_flight_a, b, p.in_flight_b, p.ab, p.ba) +
                                serve(b, 1, p.in_flight_b, a, p.in_flight_a, p.ba, p.ab);
       ++i) {
  }
  // The last transmissions complete (bounded), so tx counts what left.
  for (int i = 0; i < 200 && (p.in_flight_a || p.in_flight_b); ++i) {
    kick_pair_tx(a);
    kick_pair_tx(b);
    complete(b, p.in_flight_b, p.ab);
    complete(a, p.in_flight_a, p.ba);
    if (p.in_flight_a || p.in_flight_b) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  p.pub_ab.store(p.ab);
  p.pub_ba.store(p.ba);
}

}  // namespace detail

// Runs one queue pair's loop with its worker's copy of the handler.
using pair_loop = std::function<void(detail::queue_pair&, std::promise<int>&)>;

}  // namespace xdpkit::forward
