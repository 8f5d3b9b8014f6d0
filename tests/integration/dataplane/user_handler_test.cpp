// SPDX-License-Identifier: Apache-2.0
// A handler written against the public API (handler.hpp), as a user writes
// one, run by the engine through run_handler(): it sees every packet the
// lab sends, may rewrite it in place and transmit it, and its verdicts are
// counted as the built-in handlers' are.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "lab_fixture.hpp"
#include "xdpkit/userspace/handler.hpp"

namespace xdpkit::testing {
namespace {

// Counts the frames that match the lab's first bytes and drops every other one;
// drops the matches too, or sends them back (the Ethernet addresses swapped) when `reflect`.
struct matching_counter {
  std::shared_ptr<std::atomic<std::uint64_t>> matched, seen;
  std::vector<std::uint8_t> head;
  bool reflect = false;
  void operator()(std::span<const packet> batch, std::span<verdict> out) noexcept {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const bool match = batch[i].len >= head.size() && std::equal(head.begin(), head.end(), batch[i].data);
      out[i] = verdict::drop;
      if (match) {
        matched->fetch_add(1, std::memory_order_relaxed);
        if (reflect) {
          std::swap_ranges(batch[i].data, batch[i].data + 6, batch[i].data + 6);
          out[i] = verdict::tx;
        }
      }
    }
    seen->fetch_add(batch.size(), std::memory_order_relaxed);
  }
};
static_assert(packet_handler<matching_counter>);

class UserHandler : public LabTest {};

TEST_F(UserHandler, SeesEveryPacketAndItsDropsAreCounted) {
  auto matched = std::make_shared<std::atomic<std::uint64_t>>(0);
  auto seen = std::make_shared<std::atomic<std::uint64_t>>(0);
  const std::vector<std::uint8_t> frame = lab_frame();
  engine_config c = lab_config();
  c.make_worker = run_handler(matching_counter{matched, seen, {frame.begin(), frame.begin() + 42}});
  c.handler_name = "matching_counter";
  start(c);
  constexpr std::uint64_t n = 5000;
  ASSERT_EQ(send_paced(n), n);
  ASSERT_TRUE(wait_until([&] { return seen->load() >= n; }, std::chrono::seconds(5))) << seen->load();
  EXPECT_EQ(matched->load(), n) << "every frame the lab sent, by its headers";
  EXPECT_EQ(seen->load(), n);
  const auto t = engine_->stats().total();
  EXPECT_EQ(t.rx_packets, n);
  EXPECT_EQ(t.dropped, n) << "the handler's drops, counted by the worker";
}

TEST_F(UserHandler, ItsTransmitsLeaveAndComplete) {
  auto matched = std::make_shared<std::atomic<std::uint64_t>>(0);
  auto seen = std::make_shared<std::atomic<std::uint64_t>>(0);
  const std::vector<std::uint8_t> frame = lab_frame();
  engine_config c = lab_config();
  c.make_worker = run_handler(matching_counter{matched, seen, {frame.begin(), frame.begin() + 42}, true});
  start(c);
  constexpr std::uint64_t n = 2000;
  ASSERT_EQ(send_paced(n), n);
  ASSERT_TRUE(wait_until([&] { return engine_->stats().total().tx_packets >= n; }, std::chrono::seconds(5)))
      << engine_->stats().total().tx_packets;
  const auto t = engine_->stats().total();
  EXPECT_EQ(t.rx_packets, n);
  EXPECT_EQ(t.tx_packets, n) << "every reflected frame completed";
  EXPECT_EQ(t.dropped + t.tx_ring_full, 0u);
  EXPECT_EQ(matched->load(), n);
}

}  // namespace
}  // namespace xdpkit::testing
