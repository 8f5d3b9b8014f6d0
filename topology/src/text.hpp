// SPDX-License-Identifier: Apache-2.0
// Small, strict text helpers shared by the parsers (private to topology/).
// Every number parser returns std::nullopt instead of guessing: sysfs text that
// is not a number is a broken fixture or a kernel we do not know, not a zero.
#pragma once

#include "xdpkit/base/quote.hpp"
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xdpkit::topology::text {

inline constexpr std::string_view whitespace = " \t\n\r\f\v";

inline std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(whitespace);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(whitespace);
  return s.substr(b, e - b + 1);
}

inline bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Splits on any run of whitespace; no empty tokens.
inline std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = s.find_first_not_of(whitespace, i);
    if (b == std::string_view::npos) break;
    auto e = s.find_first_of(whitespace, b);
    if (e == std::string_view::npos) e = s.size();
    out.push_back(s.substr(b, e - b));
    i = e;
  }
  return out;
}

// Splits on `sep`, keeping empty fields.
inline std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  for (;;) {
    auto e = s.find(sep, i);
    if (e == std::string_view::npos) {
      out.push_back(s.substr(i));
      return out;
    }
    out.push_back(s.substr(i, e - i));
    i = e + 1;
  }
}

inline std::vector<std::string_view> lines(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    auto e = s.find('\n', i);
    if (e == std::string_view::npos) e = s.size();
    out.push_back(s.substr(i, e - i));
    i = e + 1;
  }
  return out;
}

template <typename T>
std::optional<T> to_number(std::string_view s, int base = 10) {
  T v{};
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::optional<std::uint64_t> to_u64(std::string_view s) { return to_number<std::uint64_t>(s); }
inline std::optional<std::int64_t> to_i64(std::string_view s) { return to_number<std::int64_t>(s); }
inline std::optional<int> to_int(std::string_view s) { return to_number<int>(s); }
inline std::optional<unsigned> to_uint(std::string_view s) { return to_number<unsigned>(s); }

// Bytes from a file in an error message: xdpkit::quoted (escaped, cut).
inline std::string quote(std::string_view s) { return xdpkit::quote(s); }

}  // namespace xdpkit::topology::text
