// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"

#include <linux/ethtool.h>

#include <array>
#include <stdexcept>
#include <utility>

#include "ioctl.hpp"

namespace xdpkit::ethtool {
namespace {

struct flow_name {
  const char* name;
  std::uint32_t type;
};
// Hashing groups AH and ESP into one flow type per IP version, as ethtool does.
constexpr std::array<flow_name, 10> kHashFlows{{{"tcp4", TCP_V4_FLOW},
                                                {"udp4", UDP_V4_FLOW},
                                                {"ah4", AH_ESP_V4_FLOW},
                                                {"esp4", AH_ESP_V4_FLOW},
                                                {"sctp4", SCTP_V4_FLOW},
                                                {"tcp6", TCP_V6_FLOW},
                                                {"udp6", UDP_V6_FLOW},
                                                {"ah6", AH_ESP_V6_FLOW},
                                                {"esp6", AH_ESP_V6_FLOW},
                                                {"sctp6", SCTP_V6_FLOW}}};

struct letter {
  char c;
  std::uint64_t bit;
};
constexpr std::array<letter, 8> kLetters{{{'m', RXH_L2DA},
                                          {'v', RXH_VLAN},
                                          {'t', RXH_L3_PROTO},
                                          {'s', RXH_IP_SRC},
                                          {'d', RXH_IP_DST},
                                          {'f', RXH_L4_B_0_1},
                                          {'n', RXH_L4_B_2_3},
                                          {'r', static_cast<std::uint32_t>(RXH_DISCARD)}}};

std::string flow_label(std::uint32_t flow_type) {
  for (const auto& f : kHashFlows)
    if (f.type == flow_type) return f.name;
  return "flow type " + std::to_string(flow_type);
}

}  // namespace

const std::vector<std::string>& hash_flow_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& f : kHashFlows) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

std::optional<std::uint32_t> hash_flow_type(std::string_view name) {
  for (const auto& f : kHashFlows)
    if (name == f.name) return f.type;
  return std::nullopt;
}

std::uint64_t letters_to_fields(std::string_view letters) {
  std::uint64_t fields = 0;
  for (char c : letters) {
    bool known = false;
    for (const auto& l : kLetters)
      if (l.c == c) {
        fields |= l.bit;
        known = true;
      }
    if (!known)
      throw std::invalid_argument(std::string("unknown hash field letter '") + c +
                                  "' (m v t s d f n r, as in ethtool -N rx-flow-hash)");
  }
  return fields;
}

std::string fields_to_letters(std::uint64_t fields) {
  std::string s;
  for (const auto& l : kLetters)
    if (fields & l.bit) s += l.c;
  return s;
}

result<std::uint64_t> get_hash_fields(const device& dev, std::uint32_t flow_type) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_GRXFH;
  req.flow_type = flow_type;
  if (int rc = detail::call(dev, req); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GRXFH", rc,
                                   "the driver reports no RSS hash fields for " + flow_label(flow_type));
  return static_cast<std::uint64_t>(req.data);
}

result<applied> set_hash_fields(const device& dev, std::uint32_t flow_type, std::uint64_t fields) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_SRXFH;
  req.flow_type = flow_type;
  req.data = fields;
  if (int rc = detail::call(dev, req); rc < 0)
    return detail::refuse_set_or_throw(
        dev, "ETHTOOL_SRXFH", rc, "the driver has no RSS hash-field control",
        "the driver cannot hash " + flow_label(flow_type) + " on " + xdpkit::quote(fields_to_letters(fields)) + " (many drivers accept only sd or sdfn)");
  return applied{};
}

hash_request parse_hash_request(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos)
    throw std::invalid_argument("expected FLOW=FIELDS such as udp4=sdfn, got " + xdpkit::quote(std::string(text)));
  hash_request r;
  r.flow_name = std::string(text.substr(0, eq));
  const auto type = hash_flow_type(r.flow_name);
  if (!type)
    throw std::invalid_argument("unknown hash flow type " + xdpkit::quote(r.flow_name) + " (tcp4 udp4 ah4 esp4 sctp4 tcp6 udp6 ah6 esp6 sctp6)");
  r.flow_type = *type;
  r.fields = letters_to_fields(text.substr(eq + 1));
  return r;
}

}  // namespace xdpkit::ethtool
