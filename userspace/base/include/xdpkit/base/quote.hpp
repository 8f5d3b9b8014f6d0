// SPDX-License-Identifier: Apache-2.0
// Outside text in a message. A word from a rule file, a line of /proc, an
// argument or a path is shown to a person on a terminal: a hostile one must
// not move the cursor, clear the screen, forge a second line or fill the
// scrollback with ten megabytes. Every message that repeats such text passes
// it through one of these.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace xdpkit {

// 'text' in single quotes, at most `max` bytes of it: control bytes, DEL,
// C1 controls, broken UTF-8, bidirectional overrides, backslash and the quote
// itself escaped (\n, \t, \xNN, \\, \'); printable UTF-8 kept; past `max`,
// "..." and the whole length: 'aaaa...' (10485760 bytes).
std::string quote(std::string_view text, std::size_t max = 60);

// The same escaping without quotes, for a message that is already built
// from outside text (a library's error); cut past `max` bytes.
std::string escape_controls(std::string_view text, std::size_t max = 4096);

}  // namespace xdpkit
