// SPDX-License-Identifier: Apache-2.0
// The journal reader (issue 12): any bytes are sorted into steps and damaged
// lines, never a crash; every line is accounted for exactly once, and each
// step's offset is where its line starts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "xdpkit/ethtool/journal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto t = xdpkit::ethtool::parse_journal_text(text);
  if (t.entries.size() != t.offsets.size() || t.entries.size() != t.lines.size()) std::abort();
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;
  if (t.entries.size() + t.damaged.size() != lines) std::abort();
  for (std::size_t i = 0; i < t.offsets.size(); ++i) {
    const std::size_t o = t.offsets[i];
    if (o >= text.size() || (o > 0 && text[o - 1] != '\n')) std::abort();
    if (!t.entries[i].is_object() || !t.entries[i]["step"].is_string()) std::abort();
  }
  return 0;
}
