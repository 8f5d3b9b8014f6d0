// SPDX-License-Identifier: Apache-2.0
// forward_program: one direction of the XDP forwarding path (bpf/forward.bpf.c)
// attached to its ingress interface, sending every frame out of its egress:
// through the one slot of a devmap, or with XDP_TX when both are the same.
#pragma once

#include <memory>
#include <string>

#include "xdpkit/bpf/forward_abi.h"
#include "xdpkit/userspace/xdp_attachment.hpp"

namespace xdpkit::forward {

// The direction's counters summed over CPUs.
using forward_counters = xdpkit_fwd_stats;

class forward_program {
 public:
  // Attaches to `ingress` in the calling thread's namespace, not yet live:
  // frames go to the kernel stack until go_live(). Throws os_error naming
  // the interface: unknown, or attach refused.
  // `multi_buffer`: the xdp.frags variant (xdpkit_fwd_mb), for MTUs over one page.
  static forward_program attach(const std::string& ingress, const std::string& egress, xdp_mode_request mode,
                                bool multi_buffer = false);

  forward_program(forward_program&&) noexcept;
  forward_program& operator=(forward_program&&) noexcept;
  ~forward_program();

  // Fills the egress slot with `egress`'s ifindex: from here frames are
  // forwarded. Call once the egress has its own program attached (a driver
  // may refuse XDP frames until then). Throws os_error: a devmap that cannot
  // take the egress (no ndo_xdp_xmit: EOPNOTSUPP).
  void go_live();
  forward_counters counters() const;  // still readable after detach()
  // Only while attached (before detach()).
  const xdp_attachment& attachment() const noexcept;
  const std::string& ingress() const noexcept;
  // Detaches the program and keeps its maps, so the counters read afterwards
  // are final: read before the detach, a frame could still be forwarded uncounted.
  void detach() noexcept;
  const std::string& egress() const noexcept;

 private:
  struct state;
  explicit forward_program(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::forward
