// SPDX-License-Identifier: Apache-2.0
// A set of CPU ids (or NUMA node ids: the kernel prints both in the same formats)
// of any size, with the two text formats the kernel uses:
//   list format  "0-3,8,10-11"  (cpulist, *_list, isolcpus=, nohz_full=, ...)
//                also the stride form "0-15:2/4" (bitmap_parselist groups)
//   mask format  "00000000,0000ff0f" (smp_affinity, rps_cpus, cpumap): 32-bit hex
//                words, most significant first, separated by commas.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xdpkit::topology {

class cpu_set {
 public:
  // Ids above this are refused by the parsers (parse_error) and by add()
  // (std::out_of_range): the kernel's NR_CPUS tops out at 8192, and a hostile
  // "0-4294967295" must not allocate gigabytes.
  static constexpr unsigned max_id = 65535;

  cpu_set() = default;
  cpu_set(std::initializer_list<unsigned> ids);

  // Parses the list format. Surrounding whitespace (the trailing newline of a
  // sysfs file) is ignored; "" gives the empty set. Throws parse_error naming
  // `source` for anything else: "3-1", "1,,2", "x", "0-15:0/4", ids > max_id.
  static cpu_set parse_list(std::string_view text, std::string_view source = {});
  // Parses the mask format. Each comma-separated word is 1-8 hex digits (an
  // optional "0x" before the first); any number of words. Throws parse_error
  // naming `source` for empty words, non-hex digits, bits above max_id.
  static cpu_set parse_mask(std::string_view text, std::string_view source = {});
  // Ids first..last inclusive; throws std::out_of_range past max_id, and
  // std::invalid_argument if first > last.
  static cpu_set range(unsigned first, unsigned last);

  // "0-3,8,10-11"; "" for the empty set.
  std::string to_list() const;
  // Mask format with at least ceil(min_bits/32) words (the kernel pads to
  // nr_cpu_ids); "0" words are written as "00000000". Empty set: "00000000".
  std::string to_mask(unsigned min_bits = 0) const;

  void add(unsigned id);
  void remove(unsigned id) noexcept;
  bool contains(unsigned id) const noexcept;
  std::size_t count() const noexcept;
  bool empty() const noexcept { return count() == 0; }
  std::optional<unsigned> first() const noexcept;
  std::optional<unsigned> last() const noexcept;
  // The id after `id` in the set, if any.
  std::optional<unsigned> next(unsigned id) const noexcept;
  std::vector<unsigned> ids() const;

  bool is_subset_of(const cpu_set& other) const noexcept;
  bool intersects(const cpu_set& other) const noexcept;

  cpu_set& operator|=(const cpu_set& o);
  cpu_set& operator&=(const cpu_set& o);
  cpu_set& operator-=(const cpu_set& o);  // difference
  cpu_set& operator^=(const cpu_set& o);
  friend cpu_set operator|(cpu_set a, const cpu_set& b) { return a |= b; }
  friend cpu_set operator&(cpu_set a, const cpu_set& b) { return a &= b; }
  friend cpu_set operator-(cpu_set a, const cpu_set& b) { return a -= b; }
  friend cpu_set operator^(cpu_set a, const cpu_set& b) { return a ^= b; }
  friend bool operator==(const cpu_set& a, const cpu_set& b) noexcept;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = unsigned;
    using difference_type = std::ptrdiff_t;
    using pointer = const unsigned*;
    using reference = unsigned;
    iterator() = default;
    unsigned operator*() const noexcept { return id_; }
    iterator& operator++() noexcept;
    iterator operator++(int) noexcept {
      auto t = *this;
      ++*this;
      return t;
    }
    friend bool operator==(const iterator& a, const iterator& b) noexcept {
      return a.end_ == b.end_ && (a.end_ || a.id_ == b.id_);
    }

   private:
    friend class cpu_set;
    iterator(const cpu_set* s, std::optional<unsigned> id) noexcept
        : set_(s), id_(id.value_or(0)), end_(!id) {}
    const cpu_set* set_ = nullptr;
    unsigned id_ = 0;
    bool end_ = true;
  };
  iterator begin() const noexcept { return iterator(this, first()); }
  iterator end() const noexcept { return iterator(this, std::nullopt); }

 private:
  void trim() noexcept;
  std::vector<std::uint64_t> words_;  // no trailing zero words, so == is vector ==
};

// Node ids use the same formats ("0-1" in /sys/devices/system/node/online).
using node_set = cpu_set;

}  // namespace xdpkit::topology
