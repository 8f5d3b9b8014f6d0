// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/firewall/rules.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

namespace xdpkit::firewall {

namespace {

// Rules are ASCII text. The first byte that is not (a control character
// other than tab, DEL, anything above 0x7f), described without echoing it.
std::optional<std::string> first_non_text(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c >= 0x20 && c < 0x7f) || c == '\t') continue;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", c);
    return std::string(c == 0 ? "a NUL byte" : c < 0x20 || c == 0x7f ? "a control character" : "a byte that is not ASCII") +
           " (" + hex + ") at column " + std::to_string(i + 1) + ": rules are plain ASCII text";
  }
  return std::nullopt;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

template <typename T>
std::optional<T> number(std::string_view s, T max) {
  unsigned long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v > max) return std::nullopt;
  return static_cast<T>(v);
}

std::optional<xdpkit_fw_action> parse_action(std::string_view w) {
  if (w == "drop") return XDPKIT_FW_DROP;
  if (w == "pass") return XDPKIT_FW_PASS;
  if (w == "tx") return XDPKIT_FW_TX;
  if (w == "redirect-xsk") return XDPKIT_FW_REDIRECT_XSK;
  if (w == "redirect-dev") return XDPKIT_FW_REDIRECT_DEV;
  return std::nullopt;
}

// A redirect-dev slot: 0-63, or `peer` (XDPKIT_FW_PEER_SLOT, which `xdpkit
// forward` fills with the other interface of its pair).
std::optional<std::uint32_t> parse_slot(std::string_view w) {
  if (w == "peer") return XDPKIT_FW_PEER_SLOT;
  return number<std::uint32_t>(w, XDPKIT_FW_PORT_SLOTS - 1);
}
constexpr const char* kSlotHelp =
    "redirect-dev needs a devmap slot 0-63 (the loader maps it to an interface: --port SLOT=IFNAME) or peer (under "
    "`xdpkit forward`, the other interface)";

std::optional<std::uint8_t> parse_proto(std::string_view w) {
  if (w == "tcp") return 6;
  if (w == "udp") return 17;
  if (w == "sctp") return 132;
  if (w == "icmp") return 1;
  if (w == "icmpv6") return 58;
  auto n = number<std::uint8_t>(w, 255);
  if (n && *n == 0) return std::nullopt;  // 0 means "any" inside; say "no proto" instead
  return n;
}

std::optional<port_range> parse_ports(std::string_view w) {
  auto dash = w.find('-');
  auto lo = number<std::uint16_t>(w.substr(0, dash), 65535);
  auto hi = dash == std::string_view::npos ? lo : number<std::uint16_t>(w.substr(dash + 1), 65535);
  if (!lo || !hi || *lo > *hi) return std::nullopt;
  return port_range{*lo, *hi};
}

}  // namespace

bool prefix::contains(const std::uint8_t* a) const noexcept {
  unsigned bits = len;
  for (unsigned i = 0; bits; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((a[i] & mask) != addr[i]) return false;
    bits -= take;
  }
  return true;
}

std::string prefix::str() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(family == 4 ? AF_INET : AF_INET6, addr.data(), buf, sizeof(buf));
  return std::string(buf) + "/" + std::to_string(len);
}

std::optional<prefix> parse_prefix(std::string_view text) {
  const auto slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  prefix p;
  if (inet_pton(AF_INET, addr.c_str(), p.addr.data()) == 1) {
    p.family = 4;
  } else if (inet_pton(AF_INET6, addr.c_str(), p.addr.data()) == 1) {
    p.family = 6;
  } else {
    return std::nullopt;
  }
  const unsigned max = p.family == 4 ? 32 : 128;
  if (slash == std::string_view::npos) {
    p.len = static_cast<std::uint8_t>(max);
  } else {
    auto n = number<unsigned>(text.substr(slash + 1), max);
    if (!n) return std::nullopt;
    p.len = static_cast<std::uint8_t>(*n);
  }
  // Keep only the prefix bits: "10.1.2.3/8" means 10.0.0.0/8.
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned first = i * 8;
    if (first >= p.len) p.addr[i] = 0;
    else if (p.len - first < 8) p.addr[i] &= static_cast<std::uint8_t>(0xff << (8 - (p.len - first)));
  }
  return p;
}

rule_error::rule_error(std::string source, int line, const std::string& what)
    : std::runtime_error(source + ":" + std::to_string(line) + ": " + what), source_(std::move(source)), line_(line) {}

rule parse_rule(std::string_view line, std::string_view source, int line_no) {
  const std::string src(source);
  auto fail = [&](const std::string& what) -> rule_error { return rule_error(src, line_no, what); };
  if (auto bad = first_non_text(line)) throw fail(*bad);
  auto w = words(line);
  if (w.empty()) throw fail("empty rule");
  rule r;
  r.source = src;
  r.line = line_no;
  r.text = std::string(line);
  auto action = parse_action(w[0]);
  if (!action)
    throw fail("unknown action " + xdpkit::quote(std::string(w[0])) + " (expected drop, pass, tx, redirect-xsk, redirect-dev SLOT)");
  r.action = *action;
  std::size_t i = 1;
  if (r.action == XDPKIT_FW_REDIRECT_DEV) {
    auto slot = i < w.size() ? parse_slot(w[i]) : std::nullopt;
    if (!slot) throw fail(kSlotHelp);
    r.redirect_slot = *slot;
    ++i;
  }
  bool seen_family = false;
  for (; i < w.size(); i += 2) {
    const std::string_view key = w[i];
    if (i + 1 >= w.size()) throw fail(xdpkit::quote(std::string(key)) + " needs a value");
    const std::string_view val = w[i + 1];
    const std::string v(val);
    if (key == "family") {
      if (val == "ipv4") r.family = 4;
      else if (val == "ipv6") r.family = 6;
      else throw fail("family must be ipv4 or ipv6, not " + xdpkit::quote(v));
      seen_family = true;
    } else if (key == "proto") {
      auto p = parse_proto(val);
      if (!p) throw fail("unknown protocol " + xdpkit::quote(v) + " (tcp, udp, sctp, icmp, icmpv6 or 1-255)");
      r.proto = *p;
    } else if (key == "src" || key == "dst") {
      auto p = parse_prefix(val);
      if (!p) throw fail(xdpkit::quote(v) + " is not an IPv4 or IPv6 prefix (like 10.0.0.0/8 or 2001:db8::/32)");
      (key == "src" ? r.src : r.dst) = *p;
    } else if (key == "sport" || key == "dport") {
      auto p = parse_ports(val);
      if (!p) throw fail(xdpkit::quote(v) + " is not a port or a range LO-HI within 0-65535");
      (key == "sport" ? r.sport : r.dport) = *p;
    } else if (key == "vlan") {
      auto n = number<std::uint16_t>(val, 4095);
      if (!n) throw fail("vlan must be 0-4095, not " + xdpkit::quote(v));
      r.vlan = *n;
    } else {
      throw fail("unknown condition " + xdpkit::quote(std::string(key)) + " (expected family, proto, src, dst, sport, dport, vlan)");
    }
  }
  // The family follows from the prefixes; they must agree with each other and
  // with an explicit family.
  for (const auto* p : {&r.src, &r.dst}) {
    if (!*p) continue;
    if (r.family && r.family != (*p)->family)
      throw fail("mixes IPv" + std::to_string(r.family) + " and IPv" + std::to_string((*p)->family));
    r.family = (*p)->family;
  }
  (void)seen_family;
  if ((!r.sport.any() || !r.dport.any()) && r.proto && r.proto != 6 && r.proto != 17 && r.proto != 132)
    throw fail("ports need proto tcp, udp or sctp (or no proto)");
  return r;
}

rule_set parse_rules(std::string_view text, std::string_view source) {
  rule_set set;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // a file written on Windows
    // Before the comment is cut: a NUL inside a comment still means the file
    // is not the text it looks like.
    if (auto bad = first_non_text(line)) throw rule_error(std::string(source), line_no, *bad);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto w = words(line);
    if (w.empty()) continue;
    if (w[0] == "default" || w[0] == "non-ip") {
      auto a = w.size() >= 2 ? parse_action(w[1]) : std::nullopt;
      std::uint32_t slot = 0;
      if (a == XDPKIT_FW_REDIRECT_DEV) {
        auto s = w.size() == 3 ? parse_slot(w[2]) : std::nullopt;
        if (!s) throw rule_error(std::string(source), line_no, std::string(w[0]) + " " + kSlotHelp);
        slot = *s;
      } else if (w.size() != 2) {
        a = std::nullopt;
      }
      if (!a)
        throw rule_error(std::string(source), line_no,
                         std::string(w[0]) + " takes one action: drop, pass, tx, redirect-xsk or redirect-dev SLOT");
      const bool is_default = w[0] == "default";
      (is_default ? set.default_action : set.not_ip_action) = *a;
      (is_default ? set.default_slot : set.not_ip_slot) = slot;
      (is_default ? set.default_given : set.not_ip_given) = true;
      continue;
    }
    set.rules.push_back(parse_rule(line, source, line_no));
    if (set.rules.size() > XDPKIT_FW_MAX_RULES)
      throw rule_error(std::string(source), line_no,
                       "more than " + std::to_string(XDPKIT_FW_MAX_RULES) + " rules");
  }
  return set;
}

namespace {

struct group_key {
  std::uint8_t family;
  std::uint8_t len;
  std::array<std::uint8_t, 16> addr;
  auto operator<=>(const group_key&) const = default;
};

group_key key_of(const prefix& p) { return {p.family, p.len, p.addr}; }

group_key shorten(group_key k, unsigned len) {
  prefix p;
  p.family = k.family;
  p.addr = k.addr;
  p.len = static_cast<std::uint8_t>(len);
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned first = i * 8;
    if (first >= len) p.addr[i] = 0;
    else if (len - first < 8) p.addr[i] &= static_cast<std::uint8_t>(0xff << (8 - (len - first)));
  }
  return key_of(p);
}

}  // namespace

void merge_rules(rule_set& into, const rule_set& later) {
  into.rules.insert(into.rules.end(), later.rules.begin(), later.rules.end());
  if (later.default_given) {
    into.default_action = later.default_action;
    into.default_slot = later.default_slot;
    into.default_given = true;
  }
  if (later.not_ip_given) {
    into.not_ip_action = later.not_ip_action;
    into.not_ip_slot = later.not_ip_slot;
    into.not_ip_given = true;
  }
}

namespace {
std::string fill_hint(std::uint32_t slot) {
  if (slot == XDPKIT_FW_PEER_SLOT)
    return "redirect-dev peer is the other interface of `xdpkit forward A B`; elsewhere give --port " +
           std::to_string(slot) + "=IFNAME";
  return "redirect-dev " + std::to_string(slot) + " names a slot no port fills; give --port " + std::to_string(slot) +
         "=IFNAME";
}
}  // namespace

void require_ports(const rule_set& set, const std::set<std::uint32_t>& filled) {
  for (const auto& r : set.rules)
    if (r.action == XDPKIT_FW_REDIRECT_DEV && !filled.count(r.redirect_slot)) throw rule_error(r, fill_hint(r.redirect_slot));
  if (set.default_action == XDPKIT_FW_REDIRECT_DEV && !filled.count(set.default_slot))
    throw std::invalid_argument("default " + fill_hint(set.default_slot));
  if (set.not_ip_action == XDPKIT_FW_REDIRECT_DEV && !filled.count(set.not_ip_slot))
    throw std::invalid_argument("non-ip " + fill_hint(set.not_ip_slot));
}

std::string action_text(std::uint32_t action, std::uint32_t slot) {
  switch (action) {
    case XDPKIT_FW_PASS: return "pass";
    case XDPKIT_FW_DROP: return "drop";
    case XDPKIT_FW_TX: return "tx";
    case XDPKIT_FW_REDIRECT_XSK: return "redirect-xsk";
    case XDPKIT_FW_REDIRECT_DEV:
      return slot == XDPKIT_FW_PEER_SLOT ? "redirect-dev peer" : "redirect-dev " + std::to_string(slot);
  }
  return "action " + std::to_string(action);
}

compiled_rules compile(const rule_set& set) {
  compiled_rules out;
  out.default_action = set.default_action;
  out.not_ip_action = set.not_ip_action;
  out.default_slot = set.default_slot;
  out.not_ip_slot = set.not_ip_slot;
  if (set.rules.size() > XDPKIT_FW_MAX_RULES)
    throw rule_error(set.rules[XDPKIT_FW_MAX_RULES], "more than " + std::to_string(XDPKIT_FW_MAX_RULES) + " rules");

  std::map<group_key, std::vector<std::uint32_t>> members;
  for (std::uint32_t i = 0; i < set.rules.size(); ++i) {
    const rule& r = set.rules[i];
    xdpkit_fw_rule k{};
    k.family = r.family;
    k.proto = r.proto;
    k.action = static_cast<std::uint8_t>(r.action);
    if (r.src) {
      k.src_len = r.src->len;
      std::memcpy(k.src, r.src->addr.data(), 16);
    }
    k.sport_lo = r.sport.lo;
    k.sport_hi = r.sport.hi;
    k.dport_lo = r.dport.lo;
    k.dport_hi = r.dport.hi;
    k.has_ports = !r.sport.any() || !r.dport.any();
    k.match_vlan = r.vlan.has_value();
    k.vlan = r.vlan.value_or(0);
    k.redirect_ifindex_slot = r.redirect_slot;
    k.id = i;
    out.rules.push_back(k);
    if (r.dst) {
      members[key_of(*r.dst)].push_back(i);
    } else {
      for (std::uint8_t fam : {std::uint8_t{4}, std::uint8_t{6}})
        if (!r.family || r.family == fam) members[group_key{fam, 0, {}}].push_back(i);
    }
  }

  std::map<group_key, std::uint32_t> index;
  for (const auto& [key, rules] : members) {
    if (rules.size() > XDPKIT_FW_GROUP_RULES) {
      prefix p{key.family, key.addr, key.len};
      throw rule_error(set.rules[rules[XDPKIT_FW_GROUP_RULES]],
                       "more than " + std::to_string(XDPKIT_FW_GROUP_RULES) + " rules share destination " +
                           p.str() + " (a rule without dst counts as /0)");
    }
    if (out.groups.size() >= XDPKIT_FW_MAX_GROUPS)
      throw rule_error(set.rules[rules[0]],
                       "more than " + std::to_string(XDPKIT_FW_MAX_GROUPS) + " distinct destination prefixes");
    xdpkit_fw_group g{};
    g.count = static_cast<std::uint32_t>(rules.size());
    for (std::size_t j = 0; j < rules.size(); ++j) g.rule[j] = rules[j];
    index[key] = static_cast<std::uint32_t>(out.groups.size());
    out.groups.push_back(g);
  }
  // Each group's parent: the longest strictly shorter prefix that has a group.
  for (const auto& [key, gid] : index) {
    std::uint32_t parent = XDPKIT_FW_NO_GROUP;
    for (int len = key.len - 1; len >= 0; --len) {
      auto it = index.find(shorten(key, static_cast<unsigned>(len)));
      if (it != index.end()) {
        parent = it->second;
        break;
      }
    }
    out.groups[gid].parent = parent;
  }
  for (const auto& [key, gid] : index) {
    unsigned depth = 0;
    for (std::uint32_t g = gid; g != XDPKIT_FW_NO_GROUP; g = out.groups[g].parent) ++depth;
    if (depth > XDPKIT_FW_MAX_NESTING) {
      prefix p{key.family, key.addr, key.len};
      throw rule_error(set.rules[members.at(key)[0]],
                       "destination " + p.str() + " sits inside " + std::to_string(depth - 1) +
                           " shorter prefixes; the program walks at most " +
                           std::to_string(XDPKIT_FW_MAX_NESTING));
    }
    if (key.family == 4) {
      std::uint32_t addr;
      std::memcpy(&addr, key.addr.data(), 4);
      out.dst4.push_back({ntohl(addr), key.len, gid});
    } else {
      xdpkit_fw_lpm6 k{};
      k.prefixlen = key.len;
      std::memcpy(k.addr, key.addr.data(), 16);
      out.dst6.emplace_back(k, gid);
    }
  }
  try {
    out.v4 = build_ipv4_table(out.dst4);
  } catch (const ipv4_table_full& e) {
    // The first rule of the destination that did not fit.
    throw rule_error(set.rules[out.groups[e.route.group].rule[0]], e.what());
  }
  return out;
}

}  // namespace xdpkit::firewall
