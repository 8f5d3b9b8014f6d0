// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/cmdline.hpp"

#include <limits>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

bool isolcpus_setting::has_flag(std::string_view f) const {
  for (const auto& x : flags)
    if (x == f) return true;
  return false;
}

std::optional<std::string> kernel_cmdline::value(std::string_view key) const {
  std::optional<std::string> v;
  for (const auto& [k, val] : params)
    if (k == key && val) v = val;
  return v;
}

bool kernel_cmdline::has(std::string_view key) const {
  for (const auto& p : params)
    if (p.first == key) return true;
  return false;
}

std::optional<std::uint64_t> parse_size_kb(std::string_view s) {
  s = text::trim(s);
  if (s.empty()) return std::nullopt;
  std::uint64_t mult = 1;  // bytes
  switch (s.back()) {
    case 'K': case 'k': mult = 1ull << 10; break;
    case 'M': case 'm': mult = 1ull << 20; break;
    case 'G': case 'g': mult = 1ull << 30; break;
    case 'T': case 't': mult = 1ull << 40; break;
    default: break;
  }
  if (mult != 1) s.remove_suffix(1);
  auto n = text::to_u64(s);
  if (!n || (*n && mult > std::numeric_limits<std::uint64_t>::max() / *n)) return std::nullopt;
  std::uint64_t bytes = *n * mult;
  if (bytes < 1024) return std::nullopt;
  return bytes / 1024;
}

namespace {

// Splits like the kernel's next_arg(): whitespace separates, double quotes
// group (and are dropped), "--" ends the kernel's part.
std::vector<std::pair<std::string, std::optional<std::string>>> split_params(std::string_view s) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && text::whitespace.find(s[i]) != std::string_view::npos) ++i;
    if (i >= s.size()) break;
    std::string word;
    bool quoted = false;
    while (i < s.size() && (quoted || text::whitespace.find(s[i]) == std::string_view::npos)) {
      if (s[i] == '"') quoted = !quoted;
      else word += s[i];
      ++i;
    }
    if (word == "--") break;
    auto eq = word.find('=');
    if (eq == std::string::npos) out.emplace_back(word, std::nullopt);
    else out.emplace_back(word.substr(0, eq), word.substr(eq + 1));
  }
  return out;
}

}  // namespace

kernel_cmdline parse_cmdline(std::string_view input, std::string_view source) {
  kernel_cmdline c;
  c.raw = std::string(text::trim(input));
  c.params = split_params(c.raw);
  std::optional<std::uint64_t> current_size;  // the last hugepagesz=
  for (const auto& [key, val] : c.params) {
    auto bad = [&, &key = key](const std::string& why) {
      return parse_error("kernel parameter " + key, source, why);
    };
    if (key == "isolcpus" && val) {
      isolcpus_setting s;
      s.text = *val;
      // Flags come first; the first element starting with a digit begins the list.
      std::string_view v = *val;
      while (!v.empty() && !(v[0] >= '0' && v[0] <= '9')) {
        auto comma = v.find(',');
        std::string_view flag = v.substr(0, comma);
        if (flag != "domain" && flag != "managed_irq" && flag != "nohz")
          throw bad("unknown isolcpus flag " + text::quote(flag) + " (domain, managed_irq, nohz)");
        s.flags.emplace_back(flag);
        if (comma == std::string_view::npos) v = {};
        else v.remove_prefix(comma + 1);
      }
      s.cpus = cpu_set::parse_list(v, "isolcpus= of " + std::string(source.empty() ? "<input>" : source));
      c.isolcpus = std::move(s);
    } else if ((key == "nohz_full" || key == "rcu_nocbs" || key == "irqaffinity")) {
      cpu_set set;
      if (val) set = cpu_set::parse_list(*val, key + "= of " + std::string(source.empty() ? "<input>" : source));
      else if (key != "rcu_nocbs") continue;
      if (key == "nohz_full") c.nohz_full = set;
      else if (key == "rcu_nocbs") c.rcu_nocbs = set;
      else c.irqaffinity = set;
    } else if (key == "hugepagesz" && val) {
      auto kb = parse_size_kb(*val);
      if (!kb) throw bad(text::quote(*val) + " is not a size");
      current_size = kb;
    } else if (key == "default_hugepagesz" && val) {
      auto kb = parse_size_kb(*val);
      if (!kb) throw bad(text::quote(*val) + " is not a size");
      c.default_hugepagesz_kb = kb;
    } else if (key == "hugepages" && val) {
      hugepages_setting h;
      // The kernel applies hugepages= to the last hugepagesz=, else the default size.
      h.page_size_kb = current_size.value_or(c.default_hugepagesz_kb.value_or(2048));
      if (val->find(':') != std::string::npos) {
        for (auto part : text::split(*val, ',')) {
          auto colon = part.find(':');
          auto node = colon == std::string_view::npos ? std::nullopt : text::to_uint(part.substr(0, colon));
          auto n = colon == std::string_view::npos ? std::nullopt : text::to_u64(part.substr(colon + 1));
          if (!node || !n || *node > cpu_set::max_id) throw bad(text::quote(part) + " is not node:count");
          h.per_node.emplace_back(*node, *n);
          h.count = *n > std::numeric_limits<std::uint64_t>::max() - h.count ? std::numeric_limits<std::uint64_t>::max() : h.count + *n;
        }
      } else {
        auto n = text::to_u64(*val);
        if (!n) throw bad(text::quote(*val) + " is not a count");
        h.count = *n;
      }
      c.hugepages.push_back(std::move(h));
    } else if (key == "numa_balancing" && val) {
      c.numa_balancing = *val;
    }
  }
  return c;
}

kernel_cmdline read_cmdline(const host_root& root) {
  return parse_cmdline(root.read("/proc/cmdline"), "/proc/cmdline");
}

}  // namespace xdpkit::topology
