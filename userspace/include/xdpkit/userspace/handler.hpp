// SPDX-License-Identifier: Apache-2.0
// The handler API: what a worker does with each batch of received packets,
// and what a user writes to put their own code in xdpkit's data plane.
//
// A handler is any copyable type with
//
//   void operator()(std::span<const packet> batch, std::span<verdict> out) noexcept;
//
// that writes one verdict per packet (out.size() == batch.size(), at most the
// worker's batch, 64 by default). It runs on the worker's thread, pinned to
// the queue's CPU, with no capability; it may rewrite a packet's bytes in
// place (the frame is the UMEM's: no copy was made) but not keep a pointer
// past the call, since the frame goes back to the kernel with its verdict.
// Each worker gets its own copy, so a handler's members are per queue and
// need no lock; to report to the rest of the program, point at something
// that outlives the engine (an atomic per queue). The worker is a template
// on the handler's type: the call inlines into the loop, no virtual call
// per packet or per batch.
//
// Give one to the engine with engine_config::make_worker = run_handler(h)
// (engine.hpp); tools/examples/ builds one against the installed package.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>

namespace xdpkit {

// One buffer of a multi-buffer frame, in the UMEM.
struct segment {
  std::uint8_t* data;
  std::uint32_t len;
};

struct packet {
  std::uint8_t* data;  // the frame in the UMEM, starting at the Ethernet header (its first buffer)
  std::uint32_t len;   // of that first buffer; a handler may shorten it, never lengthen it
  // The port it came in on: 0 on `run`'s single interface; in `forward A B`,
  // 0 for A and 1 for B.
  std::uint16_t port = 0;
  // With multi-buffer (--multi-buffer: frames over one page, e.g. 9,000-byte
  // jumbo frames), the frame's further buffers in order; empty otherwise.
  // The headers are in the first buffer; the verdict is the whole frame's.
  std::span<const segment> more = {};

  std::uint64_t total_len() const noexcept {
    std::uint64_t n = len;
    for (const segment& s : more) n += s.len;
    return n;
  }
};

enum class verdict : std::uint8_t {
  drop,     // the frame goes back to the fill ring
  tx,       // the frame is sent out of the port it came in on (its socket's interface and queue)
  forward,  // the frame is sent out of the peer port: in `forward A B`, B for what came in on A and
            // A for what came in on B; a worker with one port (`run`) is its own peer, so it is tx there
};

template <typename H>
concept packet_handler = std::copy_constructible<H> && requires(H& h, std::span<const packet> batch,
                                                               std::span<verdict> out) {
  { h(batch, out) } noexcept;
};

}  // namespace xdpkit
