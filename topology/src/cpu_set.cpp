// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/cpu_set.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace {
constexpr unsigned bits = 64;

[[noreturn]] void bad_list(std::string_view source, std::string_view text, std::string_view why) {
  throw parse_error("cpu list", source, text::quote(text) + ": " + std::string(why));
}

[[noreturn]] void bad_mask(std::string_view source, std::string_view text, std::string_view why) {
  throw parse_error("cpu mask", source, text::quote(text) + ": " + std::string(why));
}

std::optional<unsigned> parse_id(std::string_view s) {
  // from_chars accepts no sign or spaces, which is what we want here.
  auto v = text::to_number<unsigned long>(s);
  if (!v || *v > cpu_set::max_id) return std::nullopt;
  return static_cast<unsigned>(*v);
}
}  // namespace

cpu_set::cpu_set(std::initializer_list<unsigned> ids) {
  for (unsigned id : ids) add(id);
}

cpu_set cpu_set::range(unsigned first, unsigned last) {
  if (first > last) throw std::invalid_argument("cpu_set::range: first > last");
  if (last > max_id) throw std::out_of_range("cpu_set::range: id above cpu_set::max_id");
  cpu_set s;
  s.words_.assign(last / bits + 1, 0);
  for (unsigned id = first; id <= last; ++id) s.words_[id / bits] |= std::uint64_t{1} << (id % bits);
  s.trim();
  return s;
}

cpu_set cpu_set::parse_list(std::string_view input, std::string_view source) {
  std::string_view t = text::trim(input);
  cpu_set s;
  if (t.empty()) return s;
  for (std::string_view group : text::split(t, ',')) {
    if (group.empty()) bad_list(source, t, "empty element");
    // "a-b:used/size" takes `used` ids out of every `size`, starting at a.
    std::string_view span = group;
    unsigned used = 1, size = 1;
    bool strided = false;
    if (auto colon = group.find(':'); colon != std::string_view::npos) {
      span = group.substr(0, colon);
      auto stride = group.substr(colon + 1);
      auto slash = stride.find('/');
      if (slash == std::string_view::npos) bad_list(source, t, "stride needs 'used/size'");
      auto u = parse_id(stride.substr(0, slash));
      auto z = parse_id(stride.substr(slash + 1));
      if (!u || !z || *u == 0 || *z == 0 || *u > *z) bad_list(source, t, "bad stride in " + text::quote(group));
      used = *u;
      size = *z;
      strided = true;
    }
    unsigned lo, hi;
    if (auto dash = span.find('-'); dash != std::string_view::npos) {
      auto a = parse_id(span.substr(0, dash));
      auto b = parse_id(span.substr(dash + 1));
      if (!a || !b) bad_list(source, t, "bad range " + text::quote(span) + " (ids are 0.." + std::to_string(max_id) + ")");
      if (*a > *b) bad_list(source, t, text::quote(span) + " is a descending range");
      lo = *a;
      hi = *b;
    } else {
      if (strided) bad_list(source, t, "a stride needs a range");
      auto a = parse_id(span);
      if (!a) bad_list(source, t, "bad id " + text::quote(span) + " (ids are 0.." + std::to_string(max_id) + ")");
      lo = hi = *a;
    }
    for (unsigned id = lo; id <= hi; ++id) {
      if ((id - lo) % size < used) s.add(id);
    }
  }
  return s;
}

cpu_set cpu_set::parse_mask(std::string_view input, std::string_view source) {
  std::string_view t = text::trim(input);
  if (text::starts_with(t, "0x") || text::starts_with(t, "0X")) t.remove_prefix(2);
  if (t.empty()) bad_mask(source, input, "empty mask");
  auto words = text::split(t, ',');
  cpu_set s;
  const std::size_t n = words.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::string_view w = words[i];
    if (w.empty() || w.size() > 8) bad_mask(source, t, "each word must have 1 to 8 hex digits");
    auto v = text::to_number<std::uint32_t>(w, 16);
    if (!v) bad_mask(source, t, "not hexadecimal: " + text::quote(w));
    if (*v == 0) continue;
    const std::size_t word_index = n - 1 - i;  // the last word holds CPUs 0-31
    if (word_index * 32 > max_id) bad_mask(source, t, "CPU ids above " + std::to_string(max_id));
    for (unsigned b = 0; b < 32; ++b) {
      if (*v & (1u << b)) {
        std::size_t id = word_index * 32 + b;
        if (id > max_id) bad_mask(source, t, "CPU ids above " + std::to_string(max_id));
        s.add(static_cast<unsigned>(id));
      }
    }
  }
  return s;
}

std::string cpu_set::to_list() const {
  std::string out;
  auto cur = first();
  while (cur) {
    unsigned lo = *cur, hi = *cur;
    auto nx = next(hi);
    while (nx && *nx == hi + 1) {
      hi = *nx;
      nx = next(hi);
    }
    if (!out.empty()) out += ',';
    out += std::to_string(lo);
    if (hi != lo) out += '-' + std::to_string(hi);
    cur = nx;
  }
  return out;
}

std::string cpu_set::to_mask(unsigned min_bits) const {
  const unsigned top = last() ? *last() + 1 : 0;
  const unsigned nbits = std::max({top, min_bits, 1u});
  const unsigned nwords = (nbits + 31) / 32;
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = nwords; i-- > 0;) {
    std::uint32_t w = 0;
    if (i / 2 < words_.size()) w = static_cast<std::uint32_t>(words_[i / 2] >> ((i % 2) * 32));
    for (int nib = 7; nib >= 0; --nib) out += hex[(w >> (nib * 4)) & 15];
    if (i) out += ',';
  }
  return out;
}

void cpu_set::add(unsigned id) {
  if (id > max_id) throw std::out_of_range("cpu_set: id " + std::to_string(id) + " above cpu_set::max_id");
  if (words_.size() <= id / bits) words_.resize(id / bits + 1, 0);
  words_[id / bits] |= std::uint64_t{1} << (id % bits);
}

void cpu_set::remove(unsigned id) noexcept {
  if (id / bits < words_.size()) {
    words_[id / bits] &= ~(std::uint64_t{1} << (id % bits));
    trim();
  }
}

bool cpu_set::contains(unsigned id) const noexcept {
  return id / bits < words_.size() && (words_[id / bits] >> (id % bits)) & 1;
}

std::size_t cpu_set::count() const noexcept {
  std::size_t n = 0;
  for (auto w : words_) n += static_cast<std::size_t>(std::popcount(w));
  return n;
}

std::optional<unsigned> cpu_set::first() const noexcept {
  for (std::size_t i = 0; i < words_.size(); ++i)
    if (words_[i]) return static_cast<unsigned>(i * bits + std::countr_zero(words_[i]));
  return std::nullopt;
}

std::optional<unsigned> cpu_set::last() const noexcept {
  if (words_.empty()) return std::nullopt;  // trim() keeps the last word non-zero
  std::size_t i = words_.size() - 1;
  return static_cast<unsigned>(i * bits + (bits - 1 - std::countl_zero(words_[i])));
}

std::optional<unsigned> cpu_set::next(unsigned id) const noexcept {
  std::size_t start = static_cast<std::size_t>(id) + 1;
  std::size_t i = start / bits;
  if (i >= words_.size()) return std::nullopt;
  std::uint64_t w = words_[i] & (~std::uint64_t{0} << (start % bits));
  while (true) {
    if (w) return static_cast<unsigned>(i * bits + std::countr_zero(w));
    if (++i >= words_.size()) return std::nullopt;
    w = words_[i];
  }
}

std::vector<unsigned> cpu_set::ids() const { return std::vector<unsigned>(begin(), end()); }

bool cpu_set::is_subset_of(const cpu_set& o) const noexcept {
  for (std::size_t i = 0; i < words_.size(); ++i) {
    std::uint64_t ow = i < o.words_.size() ? o.words_[i] : 0;
    if (words_[i] & ~ow) return false;
  }
  return true;
}

bool cpu_set::intersects(const cpu_set& o) const noexcept {
  std::size_t n = std::min(words_.size(), o.words_.size());
  for (std::size_t i = 0; i < n; ++i)
    if (words_[i] & o.words_[i]) return true;
  return false;
}

cpu_set& cpu_set::operator|=(const cpu_set& o) {
  if (words_.size() < o.words_.size()) words_.resize(o.words_.size(), 0);
  for (std::size_t i = 0; i < o.words_.size(); ++i) words_[i] |= o.words_[i];
  return *this;
}

cpu_set& cpu_set::operator&=(const cpu_set& o) {
  for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= i < o.words_.size() ? o.words_[i] : 0;
  trim();
  return *this;
}

cpu_set& cpu_set::operator-=(const cpu_set& o) {
  std::size_t n = std::min(words_.size(), o.words_.size());
  for (std::size_t i = 0; i < n; ++i) words_[i] &= ~o.words_[i];
  trim();
  return *this;
}

cpu_set& cpu_set::operator^=(const cpu_set& o) {
  if (words_.size() < o.words_.size()) words_.resize(o.words_.size(), 0);
  for (std::size_t i = 0; i < o.words_.size(); ++i) words_[i] ^= o.words_[i];
  trim();
  return *this;
}

bool operator==(const cpu_set& a, const cpu_set& b) noexcept { return a.words_ == b.words_; }

cpu_set::iterator& cpu_set::iterator::operator++() noexcept {
  auto n = set_->next(id_);
  if (n) {
    id_ = *n;
  } else {
    end_ = true;
    id_ = 0;
  }
  return *this;
}

void cpu_set::trim() noexcept {
  while (!words_.empty() && words_.back() == 0) words_.pop_back();
}

}  // namespace xdpkit::topology
