// SPDX-License-Identifier: Apache-2.0
// generator: the lab's traffic source. One frame sent many times out of an
// interface, by whichever backend this kernel allows:
//
//   live       BPF_PROG_RUN + BPF_F_TEST_XDP_LIVE_FRAMES (bpf/lab_gen.bpf.c):
//              xdp_frames, no skb; the fastest, refused (EPERM) by some kernels
//   tc-clone   plain BPF_PROG_RUN of a tc program that bpf_clone_redirect()s one
//              skb N times a run (bpf/lab_clone.bpf.c): no live frames needed
//   af-packet  AF_PACKET + PACKET_QDISC_BYPASS + sendmmsg: needs no BPF at all
//
// Probed once per process (sending nothing); `auto` takes the fastest allowed.
// Must be created and used in the network namespace of the interface it sends
// from (netns_scope): the socket and the device lookup belong to that namespace.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/base/not_supported.hpp"

namespace xdpkit::lab {

enum class generator_kind { live, tc_clone, af_packet };

inline constexpr generator_kind all_generator_kinds[] = {generator_kind::live, generator_kind::tc_clone,
                                                         generator_kind::af_packet};

std::string_view to_string(generator_kind k) noexcept;  // "live", "tc-clone", "af-packet"
// "auto" -> nullopt; throws std::invalid_argument naming the choices otherwise.
std::optional<generator_kind> parse_generator_choice(std::string_view name);
// XDPKIT_LAB_GENERATOR (how the tests pick a backend); unset or "auto" -> nullopt.
std::optional<generator_kind> generator_choice_from_env();

// What this kernel allows, and why not where it doesn't.
struct generator_support {
  struct entry {
    bool usable = false;
    std::string why_not;  // the call and the kernel's answer, when !usable
    // Set when the answer means the kernel lacks the feature (an unknown flag
    // or option), not that it refuses it (EPERM: a policy of newer builds).
    std::optional<not_supported> missing = std::nullopt;
  };
  entry live, tc_clone, af_packet;
  const entry& of(generator_kind k) const noexcept;
};

// Loads each backend's program and runs it once so that nothing is sent (a
// live-frame run of an XDP_DROP program, a clone run of zero clones, an
// AF_PACKET socket). Cached: the first call probes, later calls return it.
const generator_support& probe_generators();

// `wanted`, if the kernel allows it, else std::runtime_error with the reason and
// the backends that would work; nullopt: the fastest usable (live, tc-clone,
// af-packet in that order).
generator_kind choose_generator(const generator_support& support, std::optional<generator_kind> wanted);

class frame_generator {
 public:
  virtual ~frame_generator() = default;
  virtual generator_kind kind() const noexcept = 0;
  const std::string& ifname() const noexcept { return ifname_; }

  // Sends exactly `count` frames. The skb backends (tc-clone, af-packet) count
  // what the interface accepted and send a refused frame again (its peer's ring
  // was full); live frames count what was offered (a frame the peer's ring has
  // no room for is lost, as on a wire). Throws os_error when the kernel refuses
  // the call, or when nothing is accepted for 2 s.
  void send(std::uint64_t count);

  // Sends until `stop` is set, `max_packets` are sent or `max_seconds` pass,
  // whichever first; returns frames sent. `sent` (if given) follows as it goes.
  // `rate_pps` > 0 offers that load instead of all the backend can: each call
  // sends what is due by then (about 1 ms of frames) and sleeps until more is
  // due, so sinks measured one after another see the same offered load.
  std::uint64_t send_until(const std::atomic<bool>& stop, std::uint64_t max_packets, double max_seconds,
                           std::atomic<std::uint64_t>* sent = nullptr, double rate_pps = 0);

  // Frames the interface refused (skb backends; 0 for live, which cannot know).
  std::uint64_t refused() const noexcept { return refused_; }

 protected:
  explicit frame_generator(std::string ifname) : ifname_(std::move(ifname)) {}
  // One call into the kernel: sends at most `max` frames, returns how many went
  // (0 when the interface refused them all, or a signal cut the call short).
  virtual std::uint64_t send_some(std::uint64_t max) = 0;
  // How many frames one send_some in send_until should ask for: large enough
  // that per-call setup doesn't show, small enough to see `stop` within ~50 ms.
  virtual std::uint64_t burst() const noexcept = 0;
  std::string ifname_;
  std::uint64_t refused_ = 0;
};

// Throws os_error naming the interface (unknown, or the backend's program or
// socket refused) and std::runtime_error when `kind` is not usable here.
std::unique_ptr<frame_generator> make_generator(generator_kind kind, const std::string& ifname,
                                                std::vector<std::uint8_t> frame);

}  // namespace xdpkit::lab
