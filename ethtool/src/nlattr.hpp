// SPDX-License-Identifier: Apache-2.0
// A minimal netlink attribute codec: enough to build netdev- and
// ethtool-family requests and read their replies without libnl, so the bytes
// can be unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace xdpkit::ethtool::detail {

class nlattr_writer {
 public:
  nlattr_writer& u32(std::uint16_t type, std::uint32_t v);
  nlattr_writer& u64(std::uint16_t type, std::uint64_t v);
  // NUL-terminated, as the kernel's NLA_NUL_STRING policies want.
  nlattr_writer& str(std::uint16_t type, std::string_view s);
  // `inner` (another writer's stream) inside one attribute marked NLA_F_NESTED.
  nlattr_writer& nested(std::uint16_t type, const std::vector<std::byte>& inner);
  std::vector<std::byte> take() { return std::move(buf_); }

 private:
  void put(std::uint16_t type, const void* data, std::size_t len);
  std::vector<std::byte> buf_;
};

// Looks up attribute `type` in a flat attribute stream. Malformed streams
// (a length shorter than the header or past the end) stop the walk: the
// kernel never sends them, so they are treated as "attribute absent".
std::optional<std::span<const std::byte>> nlattr_find(std::span<const std::byte> stream,
                                                      std::uint16_t type);
std::optional<std::uint32_t> nlattr_u32(std::span<const std::byte> stream, std::uint16_t type);
std::optional<std::uint64_t> nlattr_u64(std::span<const std::byte> stream, std::uint16_t type);
// The netlink "uint" type: 4 or 8 bytes, whichever the value needed.
std::optional<std::uint64_t> nlattr_uint(std::span<const std::byte> stream, std::uint16_t type);

}  // namespace xdpkit::ethtool::detail
