// SPDX-License-Identifier: Apache-2.0
// What both worker loops (worker_loop.hpp for `run`, the forwarder's
// pair_loop.hpp) do with descriptors: turn one rx peek into packets, a
// multi-buffer frame (descriptors chained with XDP_PKT_CONTD) as one packet,
// and put a packet's descriptors on a tx ring chained the same way; and
// count transmitted frames, not buffers, from a completion ring that returns
// one entry per buffer. Not an API of its own.
#pragma once

#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "xdpkit/userspace/frame_stack.hpp"
#include "xdpkit/userspace/handler.hpp"
#include "xdpkit/userspace/umem.hpp"

// Linux 6.6's multi-buffer AF_XDP; Debian 12's headers (6.1) lack both.
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4)
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0)
#endif

namespace xdpkit::detail {

// The most buffers one frame has (MAX_SKB_FRAGS + 1).
inline constexpr std::uint32_t max_segments = 18;

// One rx peek: up to `Descs` descriptors, whole frames only.
template <std::uint32_t Descs>
struct frame_batch {
  std::array<packet, Descs> pkts;
  std::array<segment, Descs> segs;           // every descriptor's buffer, in ring order
  std::array<std::uint64_t, Descs> addrs;    // every descriptor's UMEM address
  std::array<std::uint32_t, Descs> first;    // per packet: its first descriptor
  std::array<std::uint32_t, Descs> count;    // per packet: its descriptors
  std::uint32_t packets = 0, descs = 0;
  std::uint64_t bytes = 0;

  // Takes up to `want` (<= Descs) descriptors off `rx`. A chain the peek cut
  // short goes back to the ring (its end comes with the next peek: the kernel
  // publishes a frame's buffers together), so `want` must be at least
  // max_segments where frames have several buffers.
  void take(xsk_ring_cons& rx, const umem& area, std::uint32_t want, std::uint16_t port) noexcept {
    packets = descs = 0;
    bytes = 0;
    std::uint32_t idx;
    const std::uint32_t n = xsk_ring_cons__peek(&rx, want, &idx);
    std::uint32_t whole = 0;  // descriptors up to the end of the last whole frame
    for (std::uint32_t i = 0; i < n; ++i) {
      const xdp_desc* d = xsk_ring_cons__rx_desc(&rx, idx + i);
      addrs[i] = xsk_umem__extract_addr(d->addr);
      segs[i] = segment{area.frame(xsk_umem__add_offset_to_addr(d->addr)), d->len};
      bytes += d->len;
      if (d->options & XDP_PKT_CONTD) continue;
      pkts[packets] = packet{segs[whole].data, segs[whole].len, port,
                             std::span<const segment>(segs.data() + whole + 1, i - whole)};
      first[packets] = whole;
      count[packets] = i + 1 - whole;
      ++packets;
      whole = i + 1;
    }
    for (std::uint32_t i = whole; i < n; ++i) bytes -= segs[i].len;
    if (whole < n) xsk_ring_cons__cancel(&rx, n - whole);
    if (whole) xsk_ring_cons__release(&rx, whole);
    descs = whole;
  }

  // Writes packet k's buffers on `tx` from slot `idx` (count[k] slots),
  // chained; the first with the handler's length.
  void put(xsk_ring_prod& tx, std::uint32_t idx, std::uint32_t k) const noexcept {
    const std::uint32_t f = first[k], c = count[k];
    for (std::uint32_t i = 0; i < c; ++i) {
      xdp_desc* t = xsk_ring_prod__tx_desc(&tx, idx + i);
      t->addr = addrs[f + i];
      t->len = i ? segs[f + i].len : pkts[k].len;
      t->options = i + 1 < c ? XDP_PKT_CONTD : 0;
    }
  }

  // Packet k's buffers go back among the free frames.
  void free(frame_stack& to, std::uint32_t k) const noexcept {
    for (std::uint32_t i = 0; i < count[k]; ++i) to.push(addrs[first[k] + i]);
  }
};

// Frames on a tx ring, oldest first, by their buffer counts: the completion
// ring returns buffers in the order they were sent, so frames are counted
// when their last buffer comes back. Only used with multi-buffer (a frame is
// one buffer otherwise).
class tx_frames {
 public:
  explicit tx_frames(std::uint32_t capacity) : counts_(capacity ? capacity : 1) {}
  void sent(std::uint32_t buffers) noexcept {
    counts_[tail_++ % counts_.size()] = buffers;
  }
  // `buffers` came back; returns how many frames that completed.
  std::uint64_t completed(std::uint32_t buffers) noexcept {
    std::uint64_t frames = 0;
    done_ += buffers;
    while (head_ != tail_ && done_ >= counts_[head_ % counts_.size()]) {
      done_ -= counts_[head_++ % counts_.size()];
      ++frames;
    }
    return frames;
  }

 private:
  std::vector<std::uint32_t> counts_;
  std::uint64_t head_ = 0, tail_ = 0;
  std::uint32_t done_ = 0;
};

}  // namespace xdpkit::detail
