// SPDX-License-Identifier: Apache-2.0
// xdp_sink: the lab's far end (bpf/lab_sink.bpf.c) attached to an interface:
// counts and drops every frame that arrives, so a test can say "N sent, N
// received" at the far end whatever the stack would have done with them.
// Attach it in the interface's namespace (netns_scope); detached on destruction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace xdpkit::lab {

class xdp_sink {
 public:
  // Throws os_error naming the interface. `multi_buffer`: the xdp.frags
  // variant, for a lab of jumbo frames (counts each frame's whole length).
  static xdp_sink attach(const std::string& ifname, bool multi_buffer = false);
  xdp_sink(xdp_sink&&) noexcept;
  xdp_sink& operator=(xdp_sink&&) noexcept;
  ~xdp_sink();

  std::uint64_t packets() const;
  std::uint64_t bytes() const;

 private:
  struct state;
  explicit xdp_sink(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::lab
