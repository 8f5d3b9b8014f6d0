// SPDX-License-Identifier: Apache-2.0
// Netlink attribute streams as the kernel (or anything posing as it) sends
// them: lookups never read outside the buffer, whatever the lengths say.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "nlattr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of exactly `size` bytes, so ASan sees any read past the end.
  const std::vector<std::byte> buf(reinterpret_cast<const std::byte*>(data),
                                   reinterpret_cast<const std::byte*>(data) + size);
  const std::span<const std::byte> s(buf);
  for (std::uint16_t type = 0; type < 8; ++type) {
    (void)xdpkit::ethtool::detail::nlattr_u32(s, type);
    (void)xdpkit::ethtool::detail::nlattr_u64(s, type);
  }
  return 0;
}
