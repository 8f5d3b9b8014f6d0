// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/numa_maps.hpp"

#include <limits>

#include "text.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace {
std::uint64_t sat_mul(std::uint64_t a, std::uint64_t b) {
  if (a && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}
std::uint64_t sat_add(std::uint64_t a, std::uint64_t b) {
  return b > std::numeric_limits<std::uint64_t>::max() - a ? std::numeric_limits<std::uint64_t>::max() : a + b;
}
}  // namespace

std::uint64_t numa_maps_entry::pages() const noexcept {
  std::uint64_t n = 0;
  for (const auto& [node, p] : pages_per_node) n = sat_add(n, p);
  return n;
}

std::uint64_t numa_maps_entry::bytes_on_node(unsigned node) const noexcept {
  auto it = pages_per_node.find(node);
  if (it == pages_per_node.end()) return 0;
  return sat_mul(it->second, sat_mul(kernel_page_size_kb, 1024));
}

std::uint64_t numa_maps_entry::bytes() const noexcept {
  return sat_mul(pages(), sat_mul(kernel_page_size_kb, 1024));
}

std::vector<numa_maps_entry> parse_numa_maps(std::string_view input, std::string_view source) {
  std::vector<numa_maps_entry> out;
  for (std::string_view line : text::lines(input)) {
    auto tok = text::split_ws(line);
    if (tok.empty()) continue;
    auto bad = [&](const std::string& why) {
      return parse_error("numa_maps line", source, text::quote(line) + ": " + why);
    };
    if (tok.size() < 2) throw bad("needs an address and a policy");
    numa_maps_entry e;
    auto addr = text::to_number<std::uint64_t>(tok[0], 16);
    if (!addr) throw bad("address is not hexadecimal");
    e.start = *addr;
    e.policy = std::string(tok[1]);
    for (std::size_t i = 2; i < tok.size(); ++i) {
      std::string_view t = tok[i];
      auto eq = t.find('=');
      if (eq == std::string_view::npos) {
        if (t == "huge") e.huge = true;
        else if (t == "heap") e.heap = true;
        else if (t == "stack") e.stack = true;
        continue;
      }
      std::string_view key = t.substr(0, eq), value = t.substr(eq + 1);
      if (key.empty()) throw bad("a value without a name (" + text::quote(t) + ")");
      if (key == "file") {
        e.file = std::string(value);
        continue;
      }
      auto v = text::to_u64(value);
      if (!v) throw bad(std::string(key) + "= is not a number");
      // "N<digits>" is a node; "N" alone or "N12x" is a broken line, not a counter.
      if (key[0] == 'N' && (key.size() == 1 || (key[1] >= '0' && key[1] <= '9'))) {
        auto node = text::to_uint(key.substr(1));
        if (!node || *node > cpu_set::max_id) throw bad("bad node in " + text::quote(key));
        e.pages_per_node[*node] = *v;
      } else if (key == "kernelpagesize_kB") {
        e.kernel_page_size_kb = *v;
      } else {
        e.counters.insert_or_assign(std::string(key), *v);
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<numa_maps_entry> read_numa_maps(const host_root& root, int pid) {
  const std::string path = pid == 0 ? "/proc/self/numa_maps" : "/proc/" + std::to_string(pid) + "/numa_maps";
  return parse_numa_maps(root.read(path), path);
}

const numa_maps_entry* find_mapping(const std::vector<numa_maps_entry>& maps, std::uint64_t start) noexcept {
  for (const auto& m : maps)
    if (m.start == start) return &m;
  return nullptr;
}

}  // namespace xdpkit::topology
