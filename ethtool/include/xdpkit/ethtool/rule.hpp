// SPDX-License-Identifier: Apache-2.0
// ethtool's ntuple rule syntax, parsed into and printed from the kernel's
// `struct ethtool_rx_flow_spec`, so operators can paste what they know:
//
//   flow-type udp4 dst-ip 10.0.0.1 dst-port 53 action 2
//   flow-type tcp6 src-ip 2001:db8::1 m ::ffff src-port 443 vlan 0x0064 action -1 loc 7
//
// Flow types: ether ip4 tcp4 udp4 sctp4 ah4 esp4 ip6 tcp6 udp6 sctp6 ah6 esp6.
// Fields (as in `ethtool -N`): src dst proto (ether); src-ip dst-ip tos|tclass
// l4proto l4data (ip4/ip6); src-port dst-port (tcp/udp/sctp); spi (ah/esp);
// vlan-etype vlan user-def dst-mac (any). Each takes `m MASK` where, as in
// ethtool, set bits are the ones to IGNORE. Then `action N` (-1 drop, -2
// wake-on-lan) or `vf N queue Q`, `context N`, `loc N`.
//
// Masks are stored the kernel's way (set bit = compare this bit); the
// printer writes the shortest text that parses back to the same struct.
#pragma once

#include <linux/ethtool.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace xdpkit::ethtool {

struct flow_rule {
  ethtool_rx_flow_spec fs;  // location RX_CLS_LOC_ANY unless `loc` was given
  std::uint32_t rss_context = 0;

  flow_rule();  // zeroed, location = RX_CLS_LOC_ANY
  bool operator==(const flow_rule& o) const;  // byte-wise on fs
};

// A syntax error; what() names the word and why.
class rule_syntax_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws rule_syntax_error.
flow_rule parse_rule(std::string_view text);
flow_rule parse_rule(std::span<const std::string> words);

// Canonical text: fields in ethtool's order, masks only where partial, `loc`
// only when set. parse_rule(format_rule(r)) == r for every rule parse_rule
// produces.
std::string format_rule(const flow_rule& rule);

}  // namespace xdpkit::ethtool
