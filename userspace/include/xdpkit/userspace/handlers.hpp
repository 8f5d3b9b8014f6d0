// SPDX-License-Identifier: Apache-2.0
// The built-in handlers, written against the same API a user's handler is
// (handler.hpp), and the names the CLI and the config give them.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "xdpkit/userspace/handler.hpp"

namespace xdpkit {

// Receives and drops: the cost floor of an AF_XDP consumer.
struct rxdrop_handler {
  void operator()(std::span<const packet> pkts, std::span<verdict> out) const noexcept {
    for (std::size_t i = 0; i < pkts.size(); ++i) out[i] = verdict::drop;
  }
};
static_assert(packet_handler<rxdrop_handler>);

// Swaps source and destination MAC and sends the frame back out the same
// interface (the classic l2fwd reflector). Frames shorter than an Ethernet
// header are dropped: there is nothing to swap.
struct l2fwd_handler {
  void operator()(std::span<const packet> pkts, std::span<verdict> out) const noexcept {
    for (std::size_t i = 0; i < pkts.size(); ++i) {
      if (pkts[i].len < 14) {
        out[i] = verdict::drop;
        continue;
      }
      std::uint8_t* p = pkts[i].data;
      std::uint8_t tmp[6];
      std::memcpy(tmp, p, 6);
      std::memcpy(p, p + 6, 6);
      std::memcpy(p + 6, tmp, 6);
      out[i] = verdict::tx;
    }
  }
};
static_assert(packet_handler<l2fwd_handler>);

// Sends every frame out of the peer port unchanged: testpmd's io mode, what
// `xdpkit forward --path afxdp` runs by default.
struct io_handler {
  void operator()(std::span<const packet> pkts, std::span<verdict> out) const noexcept {
    for (std::size_t i = 0; i < pkts.size(); ++i) out[i] = verdict::forward;
  }
};
static_assert(packet_handler<io_handler>);

// Swaps source and destination MAC and sends the frame out of the peer port
// (testpmd's macswap mode). Frames shorter than an Ethernet header are dropped.
struct macswap_handler {
  void operator()(std::span<const packet> pkts, std::span<verdict> out) const noexcept {
    l2fwd_handler{}(pkts, out);
    for (std::size_t i = 0; i < pkts.size(); ++i)
      if (out[i] == verdict::tx) out[i] = verdict::forward;
  }
};
static_assert(packet_handler<macswap_handler>);

enum class handler_kind { rxdrop, l2fwd };
std::string_view to_string(handler_kind h) noexcept;
std::optional<handler_kind> parse_handler_kind(std::string_view name) noexcept;

}  // namespace xdpkit
