// SPDX-License-Identifier: Apache-2.0
// ntuple rule text: parsing never crashes, and whatever parses prints to text
// that parses back to the same bytes (the promise format_rule makes).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "xdpkit/ethtool/rule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  xdpkit::ethtool::flow_rule rule;
  try {
    rule = xdpkit::ethtool::parse_rule(text);
  } catch (const xdpkit::ethtool::rule_syntax_error&) {
    return 0;
  }
  const std::string printed = xdpkit::ethtool::format_rule(rule);
  if (!(xdpkit::ethtool::parse_rule(printed) == rule)) std::abort();
  if (xdpkit::ethtool::format_rule(xdpkit::ethtool::parse_rule(printed)) != printed) std::abort();
  return 0;
}
