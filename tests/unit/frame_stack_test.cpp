// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/frame_stack.hpp"

#include <gtest/gtest.h>

#include <set>

namespace xdpkit {
namespace {

TEST(FrameStack, SeedHandsOutEveryFrameOnce) {
  frame_stack s(8);
  s.seed(0, 8, 4096);
  ASSERT_EQ(s.size(), 8u);
  std::set<std::uint64_t> seen;
  while (!s.empty()) seen.insert(s.pop());
  ASSERT_EQ(seen.size(), 8u);
  EXPECT_EQ(*seen.begin(), 0u);
  EXPECT_EQ(*seen.rbegin(), 7u * 4096);
}

TEST(FrameStack, LastReleasedIsNextOut) {
  frame_stack s(4);
  s.seed(0, 2, 2048);
  const auto a = s.pop();
  const auto b = s.pop();
  s.push(a);
  s.push(b);
  EXPECT_EQ(s.pop(), b);  // LIFO: the frame still hot in cache goes first
  EXPECT_EQ(s.pop(), a);
}

TEST(FrameStack, SeedBeyondCapacityThrows) {
  frame_stack s(4);
  s.seed(0, 3, 4096);
  EXPECT_THROW(s.seed(3, 2, 4096), std::length_error);
  EXPECT_EQ(s.size(), 3u);
}

TEST(FrameStack, SeedOffsetsByFrameSize) {
  frame_stack s(2);
  s.seed(5, 2, 2048);
  EXPECT_EQ(s.pop(), 6u * 2048);
  EXPECT_EQ(s.pop(), 5u * 2048);
}

}  // namespace
}  // namespace xdpkit
