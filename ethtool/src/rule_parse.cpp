// SPDX-License-Identifier: Apache-2.0
#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <vector>

#include "rule_fields.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/rule.hpp"

namespace xdpkit::ethtool {
namespace {

using detail::field_kind;
using detail::rule_field;

[[noreturn]] void fail(const std::string& why) { throw rule_syntax_error("ntuple rule: " + why); }

// Unsigned number the way ethtool reads it (strtoull, base 0: 0x.. hex,
// 0.. octal), with the whole word consumed and a range check.
std::uint64_t parse_unsigned(const std::string& word, std::uint64_t max, std::string_view what) {
  if (word.empty() || word[0] == '-' || word[0] == '+' || std::isspace(static_cast<unsigned char>(word[0])))
    fail(xdpkit::quote(word) + " is not a valid " + std::string(what));
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(word.c_str(), &end, 0);
  if (errno != 0 || end != word.c_str() + word.size() || v > max)
    fail(xdpkit::quote(word) + " is not a valid " + std::string(what) + " (at most " + std::to_string(max) + ")");
  return v;
}

void parse_mac(const std::string& word, unsigned char* out) {
  unsigned char mac[6];
  std::size_t at = 0;
  for (int i = 0; i < 6; ++i) {
    std::size_t n = 0;
    unsigned v = 0;
    while (at < word.size() && n < 2 && std::isxdigit(static_cast<unsigned char>(word[at]))) {
      const char c = word[at++];
      v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                                                                                     : (std::tolower(c) - 'a' + 10));
      ++n;
    }
    if (n == 0) fail(xdpkit::quote(word) + " is not a MAC address (aa:bb:cc:dd:ee:ff)");
    mac[i] = static_cast<unsigned char>(v);
    if (i < 5) {
      if (at >= word.size() || word[at] != ':') fail(xdpkit::quote(word) + " is not a MAC address (aa:bb:cc:dd:ee:ff)");
      ++at;
    }
  }
  if (at != word.size()) fail(xdpkit::quote(word) + " is not a MAC address (aa:bb:cc:dd:ee:ff)");
  std::memcpy(out, mac, 6);
}

// Writes `word` as a value of `f.kind` to `out` (network byte order).
void parse_value(const rule_field& f, const std::string& word, unsigned char* out) {
  switch (f.kind) {
    case field_kind::mac: parse_mac(word, out); return;
    case field_kind::ip4:
      if (inet_pton(AF_INET, word.c_str(), out) != 1) fail(xdpkit::quote(word) + " is not an IPv4 address");
      return;
    case field_kind::ip6:
      if (inet_pton(AF_INET6, word.c_str(), out) != 1) fail(xdpkit::quote(word) + " is not an IPv6 address");
      return;
    case field_kind::u8: out[0] = static_cast<unsigned char>(parse_unsigned(word, 0xff, f.name)); return;
    case field_kind::be16: {
      const std::uint16_t v = htons(static_cast<std::uint16_t>(parse_unsigned(word, 0xffff, f.name)));
      std::memcpy(out, &v, 2);
      return;
    }
    case field_kind::be32: {
      const std::uint32_t v = htonl(static_cast<std::uint32_t>(parse_unsigned(word, 0xffffffffu, f.name)));
      std::memcpy(out, &v, 4);
      return;
    }
    case field_kind::be64: {
      const std::uint64_t v = parse_unsigned(word, ~std::uint64_t{0}, f.name);
      const std::uint32_t hi = htonl(static_cast<std::uint32_t>(v >> 32));
      const std::uint32_t lo = htonl(static_cast<std::uint32_t>(v));
      std::memcpy(out, &hi, 4);
      std::memcpy(out + 4, &lo, 4);
      return;
    }
  }
}

const rule_field* find_field(const detail::flow_kind& k, std::string_view word) {
  for (const auto& f : k.fields)
    if (f.name == word) return &f;
  for (const auto& f : detail::ext_fields(k))
    if (f.name == word) return &f;
  return nullptr;
}

bool all_zero(const unsigned char* p, std::size_t n) {
  return std::all_of(p, p + n, [](unsigned char c) { return c == 0; });
}

}  // namespace

flow_rule::flow_rule() : fs() {
  std::memset(&fs, 0, sizeof fs);
  fs.location = RX_CLS_LOC_ANY;
}

bool flow_rule::operator==(const flow_rule& o) const {
  return rss_context == o.rss_context && std::memcmp(&fs, &o.fs, sizeof fs) == 0;
}

flow_rule parse_rule(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(std::move(w));
  return parse_rule(words);
}

flow_rule parse_rule(std::span<const std::string> words) {
  if (words.size() < 2 || words[0] != "flow-type")
    fail("must start with 'flow-type TYPE' (ether ip4 tcp4 udp4 sctp4 ah4 esp4 ip6 tcp6 udp6 sctp6 ah6 esp6)");
  const detail::flow_kind* kind = detail::flow_kind_by_name(words[1]);
  if (!kind) fail("unknown flow-type " + xdpkit::quote(words[1]));

  flow_rule r;
  auto* bytes = reinterpret_cast<unsigned char*>(&r.fs);
  r.fs.flow_type = kind->type;
  // The kernel tells IPv4 user flows apart by ip_ver; ethtool always sets it.
  if (kind->type == IPV4_USER_FLOW) r.fs.h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;

  std::set<std::string_view> seen;
  bool have_action = false, have_vf = false, have_queue = false;
  auto value_of = [&](std::size_t i, std::string_view what) -> const std::string& {
    if (i + 1 >= words.size()) fail(xdpkit::quote(words[i]) + " needs a " + std::string(what));
    return words[i + 1];
  };
  auto once = [&](std::string_view word) {
    if (!seen.insert(word).second) fail(xdpkit::quote(std::string(word)) + " given twice");
  };

  for (std::size_t i = 2; i < words.size();) {
    const std::string& w = words[i];
    if (const rule_field* f = find_field(*kind, w)) {
      once(f->name);
      const std::size_t n = detail::field_size(f->kind);
      unsigned char value[16] = {}, mask[16];
      parse_value(*f, value_of(i, "value"), value);
      std::memset(mask, 0xff, n);
      i += 2;
      if (i < words.size() && words[i] == "m") {
        parse_value(*f, value_of(i, "mask"), mask);
        // ethtool's masks name the bits to ignore; the kernel's the bits to compare.
        for (std::size_t b = 0; b < n; ++b) mask[b] = static_cast<unsigned char>(~mask[b]);
        i += 2;
      }
      // Bits outside the mask cannot matter; clearing them keeps one rule one
      // byte pattern (and keeps strict drivers from rejecting it).
      for (std::size_t b = 0; b < n; ++b) value[b] &= mask[b];
      std::memcpy(bytes + f->value_off, value, n);
      std::memcpy(bytes + f->mask_off, mask, n);
      r.fs.flow_type |= f->flag;
    } else if (w == "m") {
      fail("'m' must follow a field value");
    } else if (w == "action") {
      once(w);
      if (have_vf || have_queue) fail("'action' cannot be combined with 'vf'/'queue'");
      const std::string& v = value_of(i, "queue number or -1 (drop)");
      if (v == "-1") r.fs.ring_cookie = RX_CLS_FLOW_DISC;
      else if (v == "-2") r.fs.ring_cookie = RX_CLS_FLOW_WAKE;
      else r.fs.ring_cookie = parse_unsigned(v, 0xffffffffu, "action (queue, -1 drop, -2 wake)");
      have_action = true;
      i += 2;
    } else if (w == "vf") {
      once(w);
      if (have_action) fail("'vf' cannot be combined with 'action'");
      // VF 0 in ring_cookie means the PF itself, so VF n is stored as n + 1
      // (drivers subtract one again).
      const std::uint64_t vf = parse_unsigned(value_of(i, "VF number"), 0xfe, "vf");
      r.fs.ring_cookie |= (vf + 1) << ETHTOOL_RX_FLOW_SPEC_RING_VF_OFF;
      have_vf = true;
      i += 2;
    } else if (w == "queue") {
      once(w);
      if (have_action) fail("'queue' cannot be combined with 'action'");
      r.fs.ring_cookie |= parse_unsigned(value_of(i, "queue number"), 0xffffffffu, "queue");
      have_queue = true;
      i += 2;
    } else if (w == "context") {
      once(w);
      r.rss_context = static_cast<std::uint32_t>(parse_unsigned(value_of(i, "RSS context"), 0xffffffffu, "context"));
      r.fs.flow_type |= FLOW_RSS;
      i += 2;
    } else if (w == "loc") {
      once(w);
      // Special locations (RX_CLS_LOC_SPECIAL and up) are chosen by leaving
      // loc out, not by number.
      r.fs.location = static_cast<std::uint32_t>(parse_unsigned(value_of(i, "location"), RX_CLS_LOC_SPECIAL - 1, "loc"));
      i += 2;
    } else {
      fail(xdpkit::quote(w) + " is not an option of flow-type " + std::string(kind->name));
    }
  }

  // An extension whose every mask is zero matches nothing extra: drop its
  // flag so equal rules are equal bytes.
  const auto& me = r.fs.m_ext;
  if (me.vlan_etype == 0 && me.vlan_tci == 0 && me.data[0] == 0 && me.data[1] == 0)
    r.fs.flow_type &= ~static_cast<std::uint32_t>(FLOW_EXT);
  if (all_zero(r.fs.m_ext.h_dest, sizeof r.fs.m_ext.h_dest))
    r.fs.flow_type &= ~static_cast<std::uint32_t>(FLOW_MAC_EXT);
  return r;
}

}  // namespace xdpkit::ethtool
