// SPDX-License-Identifier: Apache-2.0
// forward_lab: three namespaces in a line, for testing a forwarder.
//
//   left ns            forwarder ns               right ns
//   left_if  <-veth->  fwd_a        fwd_b  <-veth->  right_if
//
// Frames sent from left_if arrive on fwd_a; what the forwarder sends out of
// fwd_b arrives on right_if, and the other way round. Each end owns a 10.x
// address; the frames of left_frame()/right_frame() go to the far end's
// address and MAC, so a forwarder that passes them unchanged delivers them as
// they would arrive through a switch. Everything is removed on destruction
// (the namespaces go, and their veths with them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/veth_lab.hpp"

namespace xdpkit::lab {

class forward_lab {
 public:
  // Removes what a dead process's lab of the same prefix left first. Throws
  // std::runtime_error naming the failed `ip` command; what was made is removed.
  // `queues`: rx and tx queues of every veth end (veth delivers a frame to the
  // rx queue of the sending CPU, modulo the count).
  static forward_lab create(const std::string& prefix = "xkfwd", unsigned queues = 1);

  const std::string& left_ns() const noexcept { return left_.name(); }
  const std::string& fwd_ns() const noexcept { return fwd_.name(); }
  const std::string& right_ns() const noexcept { return right_.name(); }
  const std::string& left_if() const noexcept { return left_if_; }
  const std::string& fwd_a() const noexcept { return fwd_a_; }
  const std::string& fwd_b() const noexcept { return fwd_b_; }
  const std::string& right_if() const noexcept { return right_if_; }

  // A UDP frame of `frame_len` bytes (60 up to 9,000) from the left end to
  // the right end's address and MAC (destination port `dport`), and the same
  // the other way.
  std::vector<std::uint8_t> left_frame(std::uint16_t dport = 9, std::uint32_t frame_len = 60) const;
  std::vector<std::uint8_t> right_frame(std::uint16_t dport = 9, std::uint32_t frame_len = 60) const;

 private:
  forward_lab(netns left, netns fwd, netns right) noexcept
      : left_(std::move(left)), fwd_(std::move(fwd)), right_(std::move(right)) {}
  netns left_, fwd_, right_;
  std::string left_if_, fwd_a_, fwd_b_, right_if_, left_ip_, right_ip_;
  mac_address left_mac_{}, right_mac_{};
};

}  // namespace xdpkit::lab
