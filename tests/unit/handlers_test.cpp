// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/handlers.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace xdpkit {
namespace {

TEST(Rxdrop, DropsEveryPacket) {
  std::uint8_t buf[64] = {};
  std::vector<packet> pkts(5, packet{buf, 64});
  std::vector<verdict> v(5, verdict::tx);
  rxdrop_handler{}(pkts, v);
  for (auto x : v) EXPECT_EQ(x, verdict::drop);
}

TEST(L2fwd, SwapsMacsAndTransmits) {
  std::uint8_t frame[60];
  for (int i = 0; i < 60; ++i) frame[i] = static_cast<std::uint8_t>(i);
  std::vector<packet> pkts{packet{frame, 60}};
  std::vector<verdict> v(1, verdict::drop);
  l2fwd_handler{}(pkts, v);
  EXPECT_EQ(v[0], verdict::tx);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(frame[i], i + 6) << "destination MAC byte " << i;
    EXPECT_EQ(frame[i + 6], i) << "source MAC byte " << i;
  }
  for (int i = 12; i < 60; ++i) EXPECT_EQ(frame[i], i) << "payload byte " << i << " must not change";
}

TEST(L2fwd, DropsRuntFrames) {
  std::uint8_t frame[13] = {};
  std::vector<packet> pkts{packet{frame, 13}};
  std::vector<verdict> v(1, verdict::tx);
  l2fwd_handler{}(pkts, v);
  EXPECT_EQ(v[0], verdict::drop);
}

TEST(Io, ForwardsEveryPacketUnchanged) {
  std::uint8_t frame[60];
  for (int i = 0; i < 60; ++i) frame[i] = static_cast<std::uint8_t>(i);
  std::vector<packet> pkts{packet{frame, 60, 1}, packet{frame, 13, 0}};
  std::vector<verdict> v(2, verdict::drop);
  io_handler{}(pkts, v);
  EXPECT_EQ(v[0], verdict::forward);
  EXPECT_EQ(v[1], verdict::forward) << "io does not look at the frame, runt or not";
  for (int i = 0; i < 60; ++i) EXPECT_EQ(frame[i], i);
}

TEST(Macswap, SwapsMacsAndForwardsToThePeerPort) {
  std::uint8_t frame[60], runt[13] = {};
  for (int i = 0; i < 60; ++i) frame[i] = static_cast<std::uint8_t>(i);
  std::vector<packet> pkts{packet{frame, 60}, packet{runt, 13}};
  std::vector<verdict> v(2, verdict::tx);
  macswap_handler{}(pkts, v);
  EXPECT_EQ(v[0], verdict::forward);
  EXPECT_EQ(v[1], verdict::drop) << "a runt has no MACs to swap";
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(frame[i], i + 6);
    EXPECT_EQ(frame[i + 6], i);
  }
}

TEST(HandlerKind, ParsesItsOwnNames) {
  for (auto h : {handler_kind::rxdrop, handler_kind::l2fwd}) EXPECT_EQ(parse_handler_kind(to_string(h)), h);
  EXPECT_FALSE(parse_handler_kind("l3fwd"));
  EXPECT_FALSE(parse_handler_kind(""));
}

}  // namespace
}  // namespace xdpkit
