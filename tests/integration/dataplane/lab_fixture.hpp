// SPDX-License-Identifier: Apache-2.0
// A veth lab per test, with the engine on the DUT side and helpers to send
// from the generator side without loss (paced: each chunk waits until the XDP
// program has seen it, so the veth ring never overflows).
//
// The generator backend comes from XDPKIT_LAB_GENERATOR (live, tc-clone,
// af-packet; unset: the fastest this kernel allows). CTest runs every test in
// this binary once per backend (tests/integration/dataplane/CMakeLists.txt);
// a backend the kernel refuses makes its run skip, with the kernel's reason.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

#include "xdpkit/lab/generator.hpp"
#include "xdpkit/lab/veth_lab.hpp"
#include "xdpkit/userspace/engine.hpp"
#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::testing {

// Skips (with the reason) when not root: this tier needs CAP_NET_ADMIN,
// CAP_SYS_ADMIN and CAP_BPF. On CI (root) it always runs.
void require_root();

// Sets `kind` to the backend this run sends with; skips (with the kernel's
// reason) when XDPKIT_LAB_GENERATOR names one the kernel refuses. Call in
// SetUp, then return if IsSkipped().
void require_generator(lab::generator_kind& kind);

// Polls `done` every millisecond until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The engine config the lab's tests start from: the DUT end's queue 0,
  // normal pages, worker on CPU 1 (when there is one) waiting in poll().
  engine_config lab_config() const;
  // Starts `c` inside the DUT namespace.
  void start(const engine_config& c);
  // Starts the engine on the DUT end's queue 0 (normal pages unless said).
  void start_engine(handler_kind handler, page_policy pages = page_policy::normal,
                    no_socket_policy no_socket = no_socket_policy::pass,
                    std::optional<firewall::rule_set> rules = std::nullopt);
  // The lab's standard frame: UDP gen -> the lab's unowned address, port 9 to 9.
  std::vector<std::uint8_t> lab_frame(std::uint16_t dport = 9) const;
  // Sends `count` copies of `frame` gen -> dut, paced like send_paced.
  std::uint64_t send_paced_frame(const std::vector<std::uint8_t>& frame, std::uint64_t count, std::uint32_t chunk = 200,
                                 int cpu = -1);
  // Sends `count` frames gen -> dut in paced chunks from the calling thread,
  // pinned while sending to `cpu`, or (-1) to CPU 0, away from the worker's
  // CPU 1; returns what the XDP program saw.
  std::uint64_t send_paced(std::uint64_t count, std::uint32_t chunk = 200, int cpu = -1);
  std::uint64_t program_rx() const;
  // Sends `count` frames in chunks with a pause between them (for an engine in
  // another process, whose counters this process can't see). Rate: ~100 k/s.
  void send_unpaced(std::uint64_t count, std::uint32_t chunk);

  lab::generator_kind generator_ = lab::generator_kind::af_packet;  // set in SetUp
  std::optional<lab::veth_lab> lab_;
  std::optional<engine> engine_;
  std::uint32_t socket_ring_ = 0;  // rx ring slots of the started engine's sockets (send_paced keeps within)
};

}  // namespace xdpkit::testing
