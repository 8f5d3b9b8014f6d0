// SPDX-License-Identifier: Apache-2.0
// not_supported: a feature this kernel does not have, with the release that
// brought it. A probe answers with it instead of a bare "no", so a user reads
// which kernel would do, and a test can hold the answer against the running
// kernel: "not supported" from a kernel at or past `min_kernel` is not the
// kernel's age but a bug, a config or a policy, and must not pass as a skip.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace xdpkit {

struct kernel_version {
  int major = 0, minor = 0, patch = 0;

  // "6.18.44-fc-v1272" -> 6.18.44; "5.15" -> 5.15.0; nullopt when it does not
  // start with "<n>.<n>".
  static std::optional<kernel_version> parse(std::string_view release) noexcept;
  std::string str() const;  // "6.18.44"
  auto operator<=>(const kernel_version&) const = default;
};

// uname(2)'s release of the kernel this process runs on.
kernel_version running_kernel();

struct not_supported {
  std::string feature;        // "BPF_F_TEST_XDP_LIVE_FRAMES"
  kernel_version min_kernel;  // the first release that has it
  std::string detail;         // the call and what the kernel answered

  // True when `running` is older than the feature: the only case in which
  // "not supported" is expected.
  bool explained_by(const kernel_version& running) const noexcept { return running < min_kernel; }
  // "BPF_F_TEST_XDP_LIVE_FRAMES needs Linux 5.18 or newer (this is 6.1.0): <detail>"
  std::string message(const kernel_version& running) const;
};

}  // namespace xdpkit
