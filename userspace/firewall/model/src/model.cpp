// SPDX-License-Identifier: Apache-2.0
// Written from the rules in bpf/firewall.bpf.c's header comment, not from its
// code: bounds are checked against the frame as a whole and every length rule
// is spelled out once.
#include "xdpkit/firewall/model.hpp"

#include <algorithm>

namespace xdpkit::firewall {

namespace {

constexpr std::uint32_t parsed_ok = 0xff;

std::uint16_t be16(std::span<const std::uint8_t> f, std::size_t at) {
  return static_cast<std::uint16_t>(f[at] << 8 | f[at + 1]);
}

bool is_ipv6_ext(std::uint8_t nh) { return nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51; }

// The L4 header at [off, end): its minimum length must fit; ports where the protocol has them.
std::uint32_t parse_l4(std::span<const std::uint8_t> f, std::size_t off, std::size_t end, parsed_packet& p) {
  if (off > XDPKIT_FW_MAX_L4_OFFSET) return XDPKIT_FW_R_BAD_L4;
  auto fits = [&](std::size_t n) { return off + n <= end && off + n <= f.size(); };
  switch (p.proto) {
    case 6:
      if (!fits(20)) return XDPKIT_FW_R_BAD_L4;
      if ((f[off + 12] >> 4) < 5 || off + (f[off + 12] >> 4) * 4u > end) return XDPKIT_FW_R_BAD_L4;
      break;
    case 17:
      if (!fits(8)) return XDPKIT_FW_R_BAD_L4;
      break;
    case 132:
      if (!fits(12)) return XDPKIT_FW_R_BAD_L4;
      break;
    case 1:
      if (p.family == 4 && !fits(8)) return XDPKIT_FW_R_BAD_L4;
      return parsed_ok;
    case 58:
      if (p.family == 6 && !fits(8)) return XDPKIT_FW_R_BAD_L4;
      return parsed_ok;
    default:
      return parsed_ok;
  }
  p.has_ports = true;
  p.sport = be16(f, off);
  p.dport = be16(f, off + 2);
  return parsed_ok;
}

std::uint32_t parse_ipv4(std::span<const std::uint8_t> f, std::size_t off, parsed_packet& p) {
  if (off + 20 > f.size()) return XDPKIT_FW_R_BAD_IPV4;
  if ((f[off] >> 4) != 4) return XDPKIT_FW_R_BAD_IPV4;
  const std::size_t hl = (f[off] & 0xfu) * 4u;
  if (hl < 20) return XDPKIT_FW_R_BAD_IPV4;
  const std::size_t total = be16(f, off + 2);
  if (total < hl || off + total > f.size()) return XDPKIT_FW_R_BAD_IPV4;
  p.family = 4;
  p.proto = f[off + 9];
  std::copy_n(&f[off + 12], 4, p.src.begin());
  std::copy_n(&f[off + 16], 4, p.dst.begin());
  const bool later_fragment = (be16(f, off + 6) & 0x1fff) != 0;
  if (later_fragment) return parsed_ok;  // no L4 header in this fragment
  return parse_l4(f, off + hl, off + total, p);
}

std::uint32_t parse_ipv6(std::span<const std::uint8_t> f, std::size_t off, parsed_packet& p) {
  if (off + 40 > f.size()) return XDPKIT_FW_R_BAD_IPV6;
  if ((f[off] >> 4) != 6) return XDPKIT_FW_R_BAD_IPV6;
  const std::size_t end = off + 40 + be16(f, off + 4);
  if (end > f.size()) return XDPKIT_FW_R_BAD_IPV6;
  p.family = 6;
  std::copy_n(&f[off + 8], 16, p.src.begin());
  std::copy_n(&f[off + 24], 16, p.dst.begin());
  std::uint8_t nh = f[off + 6];
  std::size_t cur = off + 40;
  for (int walked = 0; walked < XDPKIT_FW_MAX_IPV6_EXT && is_ipv6_ext(nh); ++walked) {
    if (cur > XDPKIT_FW_MAX_L4_OFFSET) return XDPKIT_FW_R_BAD_IPV6_EXT;
    if (nh == 44) {  // fragment header: fixed 8 bytes
      if (cur + 8 > end) return XDPKIT_FW_R_BAD_IPV6_EXT;
      nh = f[cur];
      const bool later_fragment = (be16(f, cur + 2) >> 3) != 0;
      cur += 8;
      if (later_fragment) {
        p.proto = nh;
        return parsed_ok;
      }
      continue;
    }
    if (cur + 2 > end) return XDPKIT_FW_R_BAD_IPV6_EXT;
    const std::size_t len = nh == 51 ? (f[cur + 1] + 2u) * 4u : (f[cur + 1] + 1u) * 8u;  // AH counts 4-byte words
    nh = f[cur];
    cur += len;
    if (cur > end) return XDPKIT_FW_R_BAD_IPV6_EXT;
  }
  if (is_ipv6_ext(nh)) return XDPKIT_FW_R_BAD_IPV6_EXT;  // longer chain than the program walks
  p.proto = nh;
  return parse_l4(f, cur, end, p);
}

bool src_matches(const rule& r, const parsed_packet& p) { return !r.src || r.src->contains(p.src.data()); }

bool conditions_hold(const rule& r, const parsed_packet& p) {
  if (r.family && r.family != p.family) return false;
  if (r.proto && r.proto != p.proto) return false;
  if (r.vlan && (!p.has_vlan || p.vlan != *r.vlan)) return false;
  if (!r.sport.any() || !r.dport.any()) {
    if (!p.has_ports) return false;
    if (p.sport < r.sport.lo || p.sport > r.sport.hi) return false;
    if (p.dport < r.dport.lo || p.dport > r.dport.hi) return false;
  }
  return src_matches(r, p);
}

}  // namespace

parsed_packet parse_packet(std::span<const std::uint8_t> f) {
  parsed_packet p;
  if (f.size() < 14) {
    p.reason = XDPKIT_FW_R_SHORT_ETH;
    return p;
  }
  std::uint16_t type = be16(f, 12);
  std::size_t off = 14;
  for (int tags = 0; type == 0x8100 || type == 0x88a8; ++tags) {
    if (tags == 2 || off + 4 > f.size()) {
      p.reason = XDPKIT_FW_R_BAD_VLAN;
      return p;
    }
    if (tags == 0) {
      p.has_vlan = true;
      p.vlan = be16(f, off) & 0x0fff;
    }
    type = be16(f, off + 2);
    off += 4;
  }
  if (type == 0x0800) p.reason = parse_ipv4(f, off, p);
  else if (type == 0x86dd) p.reason = parse_ipv6(f, off, p);
  else p.reason = XDPKIT_FW_R_NOT_IP;
  return p;
}

model_verdict evaluate(const rule_set& set, std::span<const std::uint8_t> frame, const model_env& env) {
  const parsed_packet p = parse_packet(frame);
  model_verdict v;
  xdpkit_fw_action action;
  std::uint32_t slot = 0;
  if (p.reason == XDPKIT_FW_R_NOT_IP) {
    v.reason = XDPKIT_FW_R_NOT_IP;
    action = set.not_ip_action;
    slot = set.not_ip_slot;
  } else if (p.reason != parsed_ok) {
    v.reason = p.reason;
    action = XDPKIT_FW_DROP;
  } else {
    // Candidates: rules whose destination contains the packet's (no dst: /0 of
    // the rule's family, or of both); longest prefix first, then file order.
    std::vector<std::pair<int, std::uint32_t>> order;  // (-prefix length, rule index)
    for (std::uint32_t i = 0; i < set.rules.size(); ++i) {
      const rule& r = set.rules[i];
      if (r.dst) {
        if (r.dst->family == p.family && r.dst->contains(p.dst.data())) order.emplace_back(-r.dst->len, i);
      } else if (!r.family || r.family == p.family) {
        order.emplace_back(0, i);
      }
    }
    std::sort(order.begin(), order.end());
    v.reason = XDPKIT_FW_R_DEFAULT;
    action = set.default_action;
    slot = set.default_slot;
    for (const auto& [neg_len, i] : order) {
      if (conditions_hold(set.rules[i], p)) {
        v.reason = XDPKIT_FW_R_RULE;
        v.rule_id = i;
        action = set.rules[i].action;
        slot = set.rules[i].redirect_slot;
        break;
      }
    }
  }
  (void)slot;
  switch (action) {
    case XDPKIT_FW_PASS: v.xdp_action = 2; break;  // XDP_PASS
    case XDPKIT_FW_TX: v.xdp_action = 3; break;    // XDP_TX
    case XDPKIT_FW_REDIRECT_XSK:
      if (env.xsk_bound) {
        v.xdp_action = 4;  // XDP_REDIRECT
      } else {
        v.xdp_action = env.no_socket_pass ? 2 : 1;  // the --no-socket action
        v.reason = XDPKIT_FW_R_NO_SOCKET;
      }
      break;
    case XDPKIT_FW_REDIRECT_DEV:
      if (env.devmap_slot_set) {
        v.xdp_action = 4;  // XDP_REDIRECT
      } else {
        v.xdp_action = 1;  // XDP_DROP
        v.reason = XDPKIT_FW_R_REDIRECT_FAILED;
      }
      break;
    default: v.xdp_action = 1;  // XDP_DROP
  }
  return v;
}

}  // namespace xdpkit::firewall
