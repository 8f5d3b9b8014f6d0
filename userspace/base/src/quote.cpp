// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"

#include <cstdint>

namespace xdpkit {

namespace {

void hex_byte(std::string& out, unsigned char c) {
  static const char* hex = "0123456789abcdef";
  out += "\\x";
  out += hex[c >> 4];
  out += hex[c & 15];
}

// The length of the valid UTF-8 sequence at `s[i]` whose code point is
// printable text (U+00A0 and up, not a line or paragraph separator, not a
// bidirectional override that could reorder what a terminal shows), or 0.
std::size_t printable_utf8(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  std::uint32_t cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (b(k) & 0x3f);
  }
  const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;  // overlong, surrogate
  if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
    return 0;
  return n;
}

std::string escaped(std::string_view text, std::size_t max, bool in_quotes) {
  std::string out;
  const std::string_view shown = text.substr(0, max);
  for (std::size_t i = 0; i < shown.size();) {
    const unsigned char c = static_cast<unsigned char>(shown[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (in_quotes && (c == '\\' || c == '\'')) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x80) {
      // UTF-8 text passes (an em dash in xdpkit's own messages, a name);
      // C1 controls (8-bit ESC and CSI), broken sequences and direction
      // overrides are bytes to show, not to obey.
      if (const std::size_t n = printable_utf8(shown, i)) {
        out.append(shown.substr(i, n));
        i += n;
        continue;
      }
      hex_byte(out, c);
    } else if (c < 0x20 || c == 0x7f) {
      hex_byte(out, c);
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
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
