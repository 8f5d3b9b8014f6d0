// SPDX-License-Identifier: Apache-2.0
// Firewall rules: the text users write, what it means, and what the XDP
// program gets. One rule a line:
//
//   # comments and blank lines are ignored
//   drop proto udp dst 10.0.0.0/8 dport 53
//   pass src 192.168.0.0/16
//   tx vlan 100 proto icmp
//   redirect-xsk proto tcp dport 8000-8099
//   redirect-dev 3 dst 2001:db8::/32     (3: a slot of the devmap the loader fills)
//   redirect-dev peer proto udp          (under `xdpkit forward`: the other interface)
//   default drop                         (no rule matched; default: pass)
//   non-ip pass                          (ARP, LLDP, ...; default: pass)
//   default redirect-dev peer            (a forwarder: what no rule names goes across)
//
// Conditions: family ipv4|ipv6, proto tcp|udp|sctp|icmp|icmpv6|<0-255>,
// src PREFIX, dst PREFIX, sport N[-M], dport N[-M], vlan N (the outermost tag).
// Precedence: the rules of the longest destination prefix containing the
// packet's destination first, in file order; then the next shorter containing
// prefix's; a rule without dst is a /0. The first rule whose conditions all
// hold decides.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/bpf/firewall_abi.h"
#include "xdpkit/firewall/ipv4_table.hpp"

namespace xdpkit::firewall {

struct prefix {
  std::uint8_t family = 4;            // 4 or 6
  std::array<std::uint8_t, 16> addr{};  // network order; IPv4 in the first 4 bytes; masked
  std::uint8_t len = 0;
  bool contains(const std::uint8_t* a) const noexcept;  // a: 4 or 16 bytes by family
  std::string str() const;
};

struct port_range {
  std::uint16_t lo = 0, hi = 65535;
  bool any() const noexcept { return lo == 0 && hi == 65535; }
};

struct rule {
  xdpkit_fw_action action = XDPKIT_FW_DROP;
  std::uint32_t redirect_slot = 0;  // redirect-dev
  std::uint8_t family = 0;          // 0: any
  std::uint8_t proto = 0;           // 0: any
  std::optional<prefix> src, dst;
  port_range sport, dport;
  std::optional<std::uint16_t> vlan;
  std::string source;  // the file (or "--rule") it came from, for errors
  int line = 0;        // where in it, for errors and hit counts
  std::string text;
};

struct rule_set {
  std::vector<rule> rules;  // file order
  xdpkit_fw_action default_action = XDPKIT_FW_PASS;
  xdpkit_fw_action not_ip_action = XDPKIT_FW_PASS;
  std::uint32_t default_slot = 0;  // when default_action is redirect-dev
  std::uint32_t not_ip_slot = 0;
  bool default_given = false;  // a "default" line was there (so merging sets knows)
  bool not_ip_given = false;
};

// A rule text error: "rules.txt:12: unknown condition 'dprt' (expected ...)".
class rule_error : public std::runtime_error {
 public:
  rule_error(std::string source, int line, const std::string& what);
  rule_error(const rule& r, const std::string& what) : rule_error(r.source, r.line, what) {}
  int line() const noexcept { return line_; }
  const std::string& source() const noexcept { return source_; }  // the file, "--rule", ...

 private:
  std::string source_;
  int line_;
};

// Parses a whole file's text. Throws rule_error at the first bad line; a line
// holding a control character (NUL among them) or a byte that is not ASCII is
// a bad line, so nothing after a NUL can be read as part of the rule.
rule_set parse_rules(std::string_view text, std::string_view source = "rules");
// One rule line (no default/non-ip), e.g. from the CLI. Throws rule_error.
rule parse_rule(std::string_view line, std::string_view source = "rule", int line_no = 1);
std::optional<prefix> parse_prefix(std::string_view text);
// `later`'s rules after `into`'s; its default and non-ip lines, where it has
// them, replace `into`'s (a later file or --rule has the last word).
void merge_rules(rule_set& into, const rule_set& later);
// Every redirect-dev slot the set sends to must be in `filled`: a rule set
// must not send packets into an empty slot. Throws rule_error at the first
// rule that does (std::invalid_argument for a default or non-ip line), saying
// how to fill it.
void require_ports(const rule_set& set, const std::set<std::uint32_t>& filled);
// An action as a rule writes it: "drop", "redirect-dev 3", "redirect-dev peer".
std::string action_text(std::uint32_t action, std::uint32_t slot = 0);

// What the program's maps get for one rule set. Throws rule_error naming the
// rule's source and line for what the program can't hold: more than XDPKIT_FW_GROUP_RULES rules
// on one destination prefix, prefixes nested deeper than XDPKIT_FW_MAX_NESTING,
// more than XDPKIT_FW_MAX_RULES rules.
struct compiled_rules {
  std::vector<xdpkit_fw_rule> rules;
  std::vector<xdpkit_fw_group> groups;
  std::vector<ipv4_route> dst4;  // IPv4 destination prefixes and their groups (host order)
  std::vector<std::pair<xdpkit_fw_lpm6, std::uint32_t>> dst6;
  ipv4_table v4;  // dst4 as the program's direct table
  std::uint32_t default_action = XDPKIT_FW_PASS;
  std::uint32_t not_ip_action = XDPKIT_FW_PASS;
  std::uint32_t default_slot = 0, not_ip_slot = 0;
};
compiled_rules compile(const rule_set& set);

}  // namespace xdpkit::firewall
