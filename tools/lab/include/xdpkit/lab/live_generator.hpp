// live_generator: sends one frame many times out of an interface with
// BPF_PROG_RUN + BPF_F_TEST_XDP_LIVE_FRAMES (bpf/lab_gen.bpf.c redirects each
// repetition). ~6 Mpps on one core here, no skb per packet. Must be created and
// used in the namespace of the interface it sends from.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace xdpkit::lab {

class live_generator {
 public:
  // Throws os_error (interface unknown, program load refused).
  live_generator(const std::string& ifname, std::vector<std::uint8_t> frame);
  live_generator(live_generator&&) noexcept;
  ~live_generator();

  // Sends exactly `count` frames (in calls of at most `chunk`), returns after
  // the last call. Throws os_error when the kernel refuses the run.
  void send(std::uint64_t count, std::uint32_t chunk = 64);

  // Sends until `stop` is set, `max_packets` are sent or `max_seconds` pass,
  // whichever first. Returns frames sent. `sent` (if given) is updated as it goes.
  std::uint64_t send_until(const std::atomic<bool>& stop, std::uint64_t max_packets, double max_seconds,
                           std::atomic<std::uint64_t>* sent = nullptr, std::uint32_t chunk = 1u << 20);

 private:
  struct state;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::lab
