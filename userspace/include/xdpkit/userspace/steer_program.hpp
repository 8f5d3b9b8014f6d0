// SPDX-License-Identifier: Apache-2.0
// steer_program: the XDP program that hands each queue's packets to the AF_XDP
// socket bound on that queue (bpf/steer.bpf.c), loaded from its embedded
// skeleton and attached to one interface.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "xdpkit/bpf/steer_abi.h"
#include "xdpkit/userspace/xdp_attachment.hpp"

namespace xdpkit {

enum class no_socket_policy { pass, drop };

struct steer_options {
  xdp_mode_request mode = xdp_mode_request::automatic;
  no_socket_policy no_socket = no_socket_policy::pass;
  // The xdp.frags variant (xdpkit_steer_mb): attaches to an MTU over one page
  // and hands frames of several buffers to sockets bound with XDP_USE_SG.
  bool multi_buffer = false;
};

// The program's counters summed over CPUs.
using steer_counters = xdpkit_steer_stats;

class steer_program {
 public:
  // Opens the skeleton, sets the policy, attaches to `ifname` in the calling
  // thread's network namespace. Throws os_error (interface unknown, attach refused).
  static steer_program attach(const std::string& ifname, const steer_options& options);

  steer_program(steer_program&&) noexcept;
  steer_program& operator=(steer_program&&) noexcept;
  ~steer_program();

  // Makes `queue`'s packets go to socket `xsk_fd`. Throws os_error on a bad queue.
  void bind_queue(std::uint32_t queue, int xsk_fd);
  // Removes the queue's socket; packets then follow the no-socket policy.
  void unbind_queue(std::uint32_t queue) noexcept;

  steer_counters counters() const;  // still readable after detach()
  // Only while attached (before detach()).
  const xdp_attachment& attachment() const noexcept;
  // Detaches and keeps the maps, so counters read afterwards are final.
  void detach() noexcept;
  // Every map of the program by name, with its fd (owned by the program).
  std::vector<std::pair<std::string, int>> map_fds() const;

 private:
  struct state;
  explicit steer_program(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit
