// SPDX-License-Identifier: Apache-2.0
// The lab's traffic source on its own thread: enters the generator namespace,
// pins itself, sends until stopped or its bounds (packets, seconds) are hit.
// An error on the thread is kept and rethrown on the caller's thread: nothing
// thrown there escapes it.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "xdpkit/lab/generator.hpp"
#include "xdpkit/lab/veth_lab.hpp"

namespace xdpkit::cli {

class generator_thread {
 public:
  // Sends `frame` (the lab's UDP frame when empty) at `rate_pps` (0: as fast as it goes).
  generator_thread(const lab::veth_lab& lab, lab::generator_kind kind, std::uint64_t max_packets, double max_seconds,
                   int cpu, double rate_pps = 0, std::vector<std::uint8_t> frame = {});
  generator_thread(const generator_thread&) = delete;
  generator_thread& operator=(const generator_thread&) = delete;
  ~generator_thread();  // stops and joins

  void stop() noexcept { stop_.store(true); }
  bool done() const noexcept { return done_.load(); }
  std::uint64_t sent() const noexcept { return sent_.load(); }
  // Frames the interface refused (and that were not counted as sent); see frame_generator.
  std::uint64_t refused() const noexcept { return refused_.load(); }
  lab::generator_kind kind() const noexcept { return kind_; }
  // Stops, joins and rethrows what the thread failed with, if it did.
  void finish();

 private:
  lab::generator_kind kind_;
  std::atomic<bool> stop_{false}, done_{false};
  std::atomic<std::uint64_t> sent_{0}, refused_{0};
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace xdpkit::cli
