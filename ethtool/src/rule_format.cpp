// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "rule_fields.hpp"
#include "xdpkit/ethtool/rule.hpp"

namespace xdpkit::ethtool {
namespace {

using detail::field_kind;
using detail::rule_field;

std::string text_of(const rule_field& f, const unsigned char* p) {
  switch (f.kind) {
    case field_kind::mac:
      return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", p[0], p[1], p[2], p[3], p[4], p[5]);
    case field_kind::ip4:
    case field_kind::ip6: {
      char buf[INET6_ADDRSTRLEN];
      return inet_ntop(f.kind == field_kind::ip4 ? AF_INET : AF_INET6, p, buf, sizeof buf);
    }
    case field_kind::u8: return std::to_string(p[0]);
    case field_kind::be16: {
      std::uint16_t v;
      std::memcpy(&v, p, 2);
      return f.hex ? fmt::format("{:#06x}", ntohs(v)) : std::to_string(ntohs(v));
    }
    case field_kind::be32: {
      std::uint32_t v;
      std::memcpy(&v, p, 4);
      return f.hex ? fmt::format("{:#010x}", ntohl(v)) : std::to_string(ntohl(v));
    }
    case field_kind::be64: {
      std::uint32_t hi, lo;
      std::memcpy(&hi, p, 4);
      std::memcpy(&lo, p + 4, 4);
      return fmt::format("{:#x}", (std::uint64_t{ntohl(hi)} << 32) | ntohl(lo));
    }
  }
  return {};
}

// Numeric masks always in hex: they are bit patterns, whatever the value is.
std::string mask_text(const rule_field& f, const unsigned char* inverted) {
  rule_field as_hex = f;
  as_hex.hex = true;
  return text_of(f.kind == field_kind::u8 ? f : as_hex, inverted);
}

void append_field(std::string& out, const rule_field& f, const unsigned char* spec) {
  const std::size_t n = detail::field_size(f.kind);
  const unsigned char* mask = spec + f.mask_off;
  if (std::all_of(mask, mask + n, [](unsigned char c) { return c == 0; })) return;  // not matched
  out += fmt::format(" {} {}", f.name, text_of(f, spec + f.value_off));
  if (std::all_of(mask, mask + n, [](unsigned char c) { return c == 0xff; })) return;
  unsigned char inverted[16];
  for (std::size_t b = 0; b < n; ++b) inverted[b] = static_cast<unsigned char>(~mask[b]);
  out += " m " + mask_text(f, inverted);
}

}  // namespace

std::string format_rule(const flow_rule& rule) {
  const auto& fs = rule.fs;
  const std::uint32_t base = fs.flow_type & ~detail::kFlowFlags;
  const detail::flow_kind* kind = detail::flow_kind_by_type(base);
  if (!kind) return fmt::format("flow-type <unknown {:#x}>", base);

  const auto* spec = reinterpret_cast<const unsigned char*>(&fs);
  std::string out = "flow-type " + std::string(kind->name);
  for (const auto& f : kind->fields) append_field(out, f, spec);
  for (const auto& f : detail::ext_fields(*kind))
    if (fs.flow_type & f.flag) append_field(out, f, spec);

  if (fs.ring_cookie == RX_CLS_FLOW_DISC) {
    out += " action -1";
  } else if (fs.ring_cookie == RX_CLS_FLOW_WAKE) {
    out += " action -2";
  } else if (const auto vf = ethtool_get_flow_spec_ring_vf(fs.ring_cookie); vf != 0) {
    out += fmt::format(" vf {} queue {}", vf - 1, ethtool_get_flow_spec_ring(fs.ring_cookie));
  } else {
    out += fmt::format(" action {}", ethtool_get_flow_spec_ring(fs.ring_cookie));
  }
  if (fs.flow_type & FLOW_RSS) out += fmt::format(" context {}", rule.rss_context);
  if (fs.location != RX_CLS_LOC_ANY) out += fmt::format(" loc {}", fs.location);
  return out;
}

}  // namespace xdpkit::ethtool
