// SPDX-License-Identifier: Apache-2.0
// The table behind the rule parser and printer: which words each flow type
// takes, where their value and mask live in ethtool_rx_flow_spec, and how
// they are written. One table, so parsing and printing cannot disagree.
#pragma once

#include <linux/ethtool.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace xdpkit::ethtool::detail {

enum class field_kind : std::uint8_t {
  mac,   // 6 bytes, aa:bb:cc:dd:ee:ff
  ip4,   // __be32, dotted quad
  ip6,   // 16 bytes, RFC 5952 text
  u8,    // one byte, decimal
  be16,  // big-endian 16 bits
  be32,  // big-endian 32 bits
  be64,  // big-endian 64 bits over two __be32 (h_ext.data)
};

struct rule_field {
  std::string_view name;
  field_kind kind;
  std::size_t value_off;  // offset in ethtool_rx_flow_spec
  std::size_t mask_off;
  std::uint32_t flag;  // FLOW_EXT / FLOW_MAC_EXT this field needs, or 0
  bool hex;            // printed in hex (ethertypes, VLAN tags, user-def)
};

std::size_t field_size(field_kind k);

struct flow_kind {
  std::string_view name;
  std::uint32_t type;  // TCP_V4_FLOW ...
  std::span<const rule_field> fields;
};

// All flow types in ethtool's order; nullptr when unknown.
std::span<const flow_kind> flow_kinds();
const flow_kind* flow_kind_by_name(std::string_view name);
const flow_kind* flow_kind_by_type(std::uint32_t type);  // type without FLOW_* flags

// Extension fields every flow type takes (vlan-etype, vlan, user-def, and
// dst-mac except for ether, whose dst is already the destination MAC).
std::span<const rule_field> ext_fields(const flow_kind& k);

constexpr std::uint32_t kFlowFlags = FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS;

}  // namespace xdpkit::ethtool::detail
