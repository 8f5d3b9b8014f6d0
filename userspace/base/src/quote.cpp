// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"

namespace xdpkit {

namespace {

void escape_into(std::string& out, unsigned char c, bool in_quotes) {
  static const char* hex = "0123456789abcdef";
  if (c == '\n') {
    out += "\\n";
  } else if (c == '\t') {
    out += "\\t";
  } else if (in_quotes && (c == '\\' || c == '\'')) {
    out += '\\';
    out += static_cast<char>(c);
  } else if (c < 0x20 || c >= 0x7f) {
    // Bytes >= 0x80 too: C1 controls (ESC's 8-bit forms) arrive as UTF-8, and
    // xdpkit's inputs (rules, sysfs names, interface names) are ASCII.
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  } else {
    out += static_cast<char>(c);
  }
}

std::string escaped(std::string_view text, std::size_t max, bool in_quotes) {
  std::string out;
  const std::size_t shown = text.size() > max ? max : text.size();
  for (std::size_t i = 0; i < shown; ++i) escape_into(out, static_cast<unsigned char>(text[i]), in_quotes);
  return out;
}

}  // namespace

std::string quote(std::string_view text, std::size_t max) {
  std::string out = "'" + escaped(text, max, true);
  if (text.size() > max) return out + "...' (" + std::to_string(text.size()) + " bytes)";
  return out + "'";
}

std::string escape_controls(std::string_view text, std::size_t max) {
  std::string out = escaped(text, max, false);
  if (text.size() > max) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace xdpkit
