// SPDX-License-Identifier: Apache-2.0
// engine_words: the engine's knobs as people write them ("zero-copy",
// "huge-or-normal", "poll"), the same words on the command line (`run`,
// `demo`) and in the service config (`up`), and the one mapping from them to
// an engine_config, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/userspace/engine.hpp"

namespace xdpkit {

struct engine_words {
  std::string handler = "rxdrop";  // rxdrop | l2fwd
  std::string xdp_mode = "auto";   // auto | native | generic
  std::string bind = "copy";       // copy | zero-copy | auto
  std::string pages = "huge";      // huge | huge-or-normal | normal
  std::string wait = "busy";       // busy | poll
  std::uint32_t batch = 64;
  std::uint32_t frames = 4096;     // per queue, a power of two
  std::string no_socket = "pass";  // pass | drop
  int busy_poll_usec = 0;
  int busy_poll_budget = 64;
  int fifo_priority = 0;
  bool shareable_umem = false;  // a memfd mapped shared (hot restart)
  bool multi_buffer = false;    // xdp.frags programs and XDP_USE_SG sockets: frames over one page
};

// Everything but the firewall's rules and ports. Throws std::invalid_argument
// naming the word that is not one of its choices, or a frame count that is
// not a power of two.
engine_config engine_config_from(const engine_words& words, const std::string& ifname,
                                 std::vector<std::uint32_t> queues, std::vector<int> cpus);

}  // namespace xdpkit
