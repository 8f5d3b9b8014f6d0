// SPDX-License-Identifier: Apache-2.0
// xdp_forwarder: `xdpkit forward A B --path xdp`. Frames go A -> B and B -> A
// inside XDP, unchanged, and none reaches userspace: the cheapest path, for
// traffic no handler needs to see. One forward_program per direction; with
// A == B one program sends every frame back out (XDP_TX).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "xdpkit/forward/forward_program.hpp"

namespace xdpkit::forward {

struct xdp_forwarder_config {
  std::string a, b;
  xdp_mode_request mode = xdp_mode_request::automatic;
  bool multi_buffer = false;  // the xdp.frags programs: MTUs over one page, jumbo frames
};

struct direction_stats {
  std::string from, to;
  forward_counters counters{};
};

class xdp_forwarder {
 public:
  // Attaches both directions in the calling thread's namespace (B -> A first
  // waits for A -> B: a frame never meets a half-made path it could leak
  // through). Throws os_error naming the interface; nothing stays attached.
  static xdp_forwarder start(const xdp_forwarder_config& config);

  xdp_forwarder(xdp_forwarder&&) noexcept;
  xdp_forwarder& operator=(xdp_forwarder&&) noexcept;
  ~xdp_forwarder();

  // One entry per direction, A -> B first (only it when A == B).
  std::vector<direction_stats> stats() const;
  // Detaches both programs; stats() then gives the final counts.
  void stop() noexcept;
  const std::vector<forward_program>& directions() const noexcept;
  // Which interface is gone from the namespace the forwarder started in, and
  // why, or nullopt while both are there (as engine::interface_lost).
  std::optional<std::string> interface_lost() const;

 private:
  struct state;
  explicit xdp_forwarder(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::forward
