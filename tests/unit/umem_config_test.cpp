// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "xdpkit/userspace/umem.hpp"

namespace xdpkit {
namespace {

TEST(UmemConfig, DefaultsAreValid) { EXPECT_NO_THROW(validate(umem_config{})); }

TEST(UmemConfig, RejectsWhatTheKernelWouldRefuse) {
  umem_config c;
  c.frame_count = 3000;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = {};
  c.frame_size = 1500;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = {};
  c.fill_size = 1000;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c = {};
  c.completion_size = 0;
  EXPECT_THROW(validate(c), std::invalid_argument);
}

TEST(UmemConfig, AcceptsBothFrameSizes) {
  umem_config c;
  c.frame_size = 2048;
  EXPECT_NO_THROW(validate(c));
}

}  // namespace
}  // namespace xdpkit
