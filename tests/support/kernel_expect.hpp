// SPDX-License-Identifier: Apache-2.0
// Holding a probe's "not supported" against the running kernel.
#pragma once

#include <gtest/gtest.h>

#include "xdpkit/base/not_supported.hpp"

namespace xdpkit::testing {

// A feature missing from a kernel at or past the release that brought it is a
// bug, a kernel config or a policy, never the kernel's age: a failure, not a
// skip. Returns whether the answer was explained.
inline bool expect_explained_by_kernel_age(const not_supported& n) {
  const kernel_version running = running_kernel();
  EXPECT_TRUE(n.explained_by(running)) << "the probe says " << n.message(running)
                                       << ", but this kernel is not older than that";
  return n.explained_by(running);
}

}  // namespace xdpkit::testing
