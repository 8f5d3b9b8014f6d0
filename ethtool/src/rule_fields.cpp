// SPDX-License-Identifier: Apache-2.0
#include "rule_fields.hpp"

#include <array>
#include <cstddef>

namespace xdpkit::ethtool::detail {
namespace {

#define XK_H(path) offsetof(ethtool_rx_flow_spec, h_u.path)
#define XK_M(path) offsetof(ethtool_rx_flow_spec, m_u.path)
#define XK_F(word, kind, path, hex) \
  rule_field { word, field_kind::kind, XK_H(path), XK_M(path), 0, hex }

constexpr std::array kEther{
    XK_F("src", mac, ether_spec.h_source, false),
    XK_F("dst", mac, ether_spec.h_dest, false),
    XK_F("proto", be16, ether_spec.h_proto, true),
};
constexpr std::array kIp4{
    XK_F("src-ip", ip4, usr_ip4_spec.ip4src, false), XK_F("dst-ip", ip4, usr_ip4_spec.ip4dst, false),
    XK_F("tos", u8, usr_ip4_spec.tos, false),       XK_F("l4proto", u8, usr_ip4_spec.proto, false),
    XK_F("l4data", be32, usr_ip4_spec.l4_4_bytes, true),
};
// tcp4, udp4 and sctp4 share one layout (tcp_ip4_spec), as ah4/esp4 do.
constexpr std::array kL4v4{
    XK_F("src-ip", ip4, tcp_ip4_spec.ip4src, false), XK_F("dst-ip", ip4, tcp_ip4_spec.ip4dst, false),
    XK_F("tos", u8, tcp_ip4_spec.tos, false),       XK_F("src-port", be16, tcp_ip4_spec.psrc, false),
    XK_F("dst-port", be16, tcp_ip4_spec.pdst, false),
};
constexpr std::array kSpiV4{
    XK_F("src-ip", ip4, ah_ip4_spec.ip4src, false), XK_F("dst-ip", ip4, ah_ip4_spec.ip4dst, false),
    XK_F("tos", u8, ah_ip4_spec.tos, false),       XK_F("spi", be32, ah_ip4_spec.spi, false),
};
constexpr std::array kIp6{
    XK_F("src-ip", ip6, usr_ip6_spec.ip6src, false), XK_F("dst-ip", ip6, usr_ip6_spec.ip6dst, false),
    XK_F("tclass", u8, usr_ip6_spec.tclass, false), XK_F("l4proto", u8, usr_ip6_spec.l4_proto, false),
    XK_F("l4data", be32, usr_ip6_spec.l4_4_bytes, true),
};
constexpr std::array kL4v6{
    XK_F("src-ip", ip6, tcp_ip6_spec.ip6src, false), XK_F("dst-ip", ip6, tcp_ip6_spec.ip6dst, false),
    XK_F("tclass", u8, tcp_ip6_spec.tclass, false), XK_F("src-port", be16, tcp_ip6_spec.psrc, false),
    XK_F("dst-port", be16, tcp_ip6_spec.pdst, false),
};
constexpr std::array kSpiV6{
    XK_F("src-ip", ip6, ah_ip6_spec.ip6src, false), XK_F("dst-ip", ip6, ah_ip6_spec.ip6dst, false),
    XK_F("tclass", u8, ah_ip6_spec.tclass, false), XK_F("spi", be32, ah_ip6_spec.spi, false),
};

#undef XK_F
#undef XK_M
#undef XK_H

constexpr rule_field ext(std::string_view name, field_kind kind, std::size_t v, std::size_t m,
                         std::uint32_t flag, bool hex) {
  return rule_field{name, kind, v, m, flag, hex};
}

constexpr std::array kExt{
    ext("vlan-etype", field_kind::be16, offsetof(ethtool_rx_flow_spec, h_ext.vlan_etype),
        offsetof(ethtool_rx_flow_spec, m_ext.vlan_etype), FLOW_EXT, true),
    ext("vlan", field_kind::be16, offsetof(ethtool_rx_flow_spec, h_ext.vlan_tci),
        offsetof(ethtool_rx_flow_spec, m_ext.vlan_tci), FLOW_EXT, true),
    ext("user-def", field_kind::be64, offsetof(ethtool_rx_flow_spec, h_ext.data),
        offsetof(ethtool_rx_flow_spec, m_ext.data), FLOW_EXT, true),
    ext("dst-mac", field_kind::mac, offsetof(ethtool_rx_flow_spec, h_ext.h_dest),
        offsetof(ethtool_rx_flow_spec, m_ext.h_dest), FLOW_MAC_EXT, false),
};

const std::array<flow_kind, 13> kKinds{{
    {"ether", ETHER_FLOW, kEther},
    {"ip4", IPV4_USER_FLOW, kIp4},
    {"tcp4", TCP_V4_FLOW, kL4v4},
    {"udp4", UDP_V4_FLOW, kL4v4},
    {"sctp4", SCTP_V4_FLOW, kL4v4},
    {"ah4", AH_V4_FLOW, kSpiV4},
    {"esp4", ESP_V4_FLOW, kSpiV4},
    {"ip6", IPV6_USER_FLOW, kIp6},
    {"tcp6", TCP_V6_FLOW, kL4v6},
    {"udp6", UDP_V6_FLOW, kL4v6},
    {"sctp6", SCTP_V6_FLOW, kL4v6},
    {"ah6", AH_V6_FLOW, kSpiV6},
    {"esp6", ESP_V6_FLOW, kSpiV6},
}};

}  // namespace

std::size_t field_size(field_kind k) {
  switch (k) {
    case field_kind::mac: return 6;
    case field_kind::ip4: return 4;
    case field_kind::ip6: return 16;
    case field_kind::u8: return 1;
    case field_kind::be16: return 2;
    case field_kind::be32: return 4;
    case field_kind::be64: return 8;
  }
  return 0;
}

std::span<const flow_kind> flow_kinds() { return kKinds; }

const flow_kind* flow_kind_by_name(std::string_view name) {
  for (const auto& k : kKinds)
    if (k.name == name) return &k;
  return nullptr;
}

const flow_kind* flow_kind_by_type(std::uint32_t type) {
  for (const auto& k : kKinds)
    if (k.type == type) return &k;
  return nullptr;
}

std::span<const rule_field> ext_fields(const flow_kind& k) {
  // ether's own "dst" is the destination MAC; FLOW_MAC_EXT is for the others.
  if (k.type == ETHER_FLOW) return std::span<const rule_field>(kExt).first(3);
  return kExt;
}

}  // namespace xdpkit::ethtool::detail
