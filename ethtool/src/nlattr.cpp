// SPDX-License-Identifier: Apache-2.0
#include "nlattr.hpp"

#include <linux/netlink.h>

#include <cstring>

namespace xdpkit::ethtool::detail {

void nlattr_writer::put(std::uint16_t type, const void* data, std::size_t len) {
  const ::nlattr hdr{static_cast<std::uint16_t>(NLA_HDRLEN + len), type};
  const std::size_t at = buf_.size();
  buf_.resize(at + NLA_ALIGN(NLA_HDRLEN + len));  // padding bytes are zero
  std::memcpy(buf_.data() + at, &hdr, sizeof hdr);
  if (len) std::memcpy(buf_.data() + at + NLA_HDRLEN, data, len);
}

nlattr_writer& nlattr_writer::u32(std::uint16_t type, std::uint32_t v) {
  put(type, &v, sizeof v);
  return *this;
}

nlattr_writer& nlattr_writer::u64(std::uint16_t type, std::uint64_t v) {
  put(type, &v, sizeof v);
  return *this;
}

nlattr_writer& nlattr_writer::str(std::uint16_t type, std::string_view s) {
  std::vector<char> z(s.begin(), s.end());
  z.push_back('\0');
  put(type, z.data(), z.size());
  return *this;
}

nlattr_writer& nlattr_writer::nested(std::uint16_t type, const std::vector<std::byte>& inner) {
  put(static_cast<std::uint16_t>(type | NLA_F_NESTED), inner.data(), inner.size());
  return *this;
}

std::optional<std::span<const std::byte>> nlattr_find(std::span<const std::byte> s,
                                                      std::uint16_t type) {
  std::size_t at = 0;
  while (s.size() - at >= NLA_HDRLEN) {
    ::nlattr hdr;
    std::memcpy(&hdr, s.data() + at, sizeof hdr);
    if (hdr.nla_len < NLA_HDRLEN || hdr.nla_len > s.size() - at) return std::nullopt;
    // NLA_F_NESTED and NLA_F_NET_BYTEORDER ride in the type's top bits.
    if ((hdr.nla_type & NLA_TYPE_MASK) == type)
      return s.subspan(at + NLA_HDRLEN, hdr.nla_len - NLA_HDRLEN);
    at += NLA_ALIGN(hdr.nla_len);
    if (at > s.size()) return std::nullopt;
  }
  return std::nullopt;
}

template <class T>
static std::optional<T> scalar(std::span<const std::byte> s, std::uint16_t type) {
  auto a = nlattr_find(s, type);
  if (!a || a->size() < sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, a->data(), sizeof v);
  return v;
}

std::optional<std::uint32_t> nlattr_u32(std::span<const std::byte> s, std::uint16_t type) {
  return scalar<std::uint32_t>(s, type);
}

std::optional<std::uint64_t> nlattr_u64(std::span<const std::byte> s, std::uint16_t type) {
  return scalar<std::uint64_t>(s, type);
}

std::optional<std::uint64_t> nlattr_uint(std::span<const std::byte> s, std::uint16_t type) {
  auto a = nlattr_find(s, type);
  if (!a) return std::nullopt;
  if (a->size() == sizeof(std::uint32_t)) return scalar<std::uint32_t>(s, type);
  if (a->size() == sizeof(std::uint64_t)) return scalar<std::uint64_t>(s, type);
  return std::nullopt;
}

}  // namespace xdpkit::ethtool::detail
