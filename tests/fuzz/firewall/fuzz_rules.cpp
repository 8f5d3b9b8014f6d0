// SPDX-License-Identifier: Apache-2.0
// Rule text -> parse -> compile must either succeed or throw rule_error with a
// line number; never crash, never accept what compile then can't hold. Bytes
// after a NUL are a frame for the reference model's parser under the rules.
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "xdpkit/firewall/model.hpp"
#include "xdpkit/firewall/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
  const std::size_t text_len = nul ? static_cast<std::size_t>(nul - data) : size;
  const std::string_view text(reinterpret_cast<const char*>(data), text_len);
  using namespace xdpkit::firewall;
  rule_set set;
  try {
    set = parse_rules(text, "fuzz");
  } catch (const rule_error& e) {
    if (e.line() < 1) __builtin_trap();  // a parse error always names its line
    return 0;
  }
  try {
    const compiled_rules c = compile(set);
    if (c.rules.size() != set.rules.size()) __builtin_trap();
    for (const auto& g : c.groups)
      if (g.count == 0 || g.count > XDPKIT_FW_GROUP_RULES) __builtin_trap();
  } catch (const rule_error&) {
    return 0;
  }
  if (nul) {
    const std::span<const std::uint8_t> frame(nul + 1, size - text_len - 1);
    const model_verdict v = evaluate(set, frame);
    if (v.reason >= XDPKIT_FW_NR_REASONS) __builtin_trap();
    if (v.rule_id != 0xffffffffu && v.rule_id >= set.rules.size()) __builtin_trap();
  }
  return 0;
}
