// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/interrupts.hpp"

#include <algorithm>
#include <limits>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

std::uint64_t irq_line::total() const noexcept {
  std::uint64_t t = 0;
  for (auto c : per_cpu) t = c > std::numeric_limits<std::uint64_t>::max() - t ? std::numeric_limits<std::uint64_t>::max() : t + c;
  return t;
}

const irq_line* interrupt_table::find(unsigned irq) const noexcept {
  for (const auto& l : lines)
    if (l.irq && *l.irq == irq) return &l;
  return nullptr;
}

const irq_line* interrupt_table::find(std::string_view id) const noexcept {
  for (const auto& l : lines)
    if (l.id == id) return &l;
  return nullptr;
}

std::vector<const irq_line*> interrupt_table::matching(std::string_view needle) const {
  std::vector<const irq_line*> out;
  if (needle.empty()) return out;
  for (const auto& l : lines)
    if (l.irq && (l.name.find(needle) != std::string::npos || l.chip.find(needle) != std::string::npos))
      out.push_back(&l);
  return out;
}

std::uint64_t interrupt_table::count_on(const irq_line& line, unsigned cpu) const noexcept {
  for (std::size_t i = 0; i < cpus.size() && i < line.per_cpu.size(); ++i)
    if (cpus[i] == cpu) return line.per_cpu[i];
  return 0;
}

namespace {
bool is_trigger_word(std::string_view s) {
  return s == "Level" || s == "Edge" || s == "level" || s == "edge";
}
}  // namespace

interrupt_table parse_interrupts(std::string_view input, std::string_view source) {
  interrupt_table t;
  auto all = text::lines(input);
  std::size_t i = 0;
  while (i < all.size() && text::trim(all[i]).empty()) ++i;
  if (i == all.size()) throw parse_error("/proc/interrupts", source, "empty");
  cpu_set seen;
  for (auto col : text::split_ws(all[i])) {
    auto id = text::starts_with(col, "CPU") ? text::to_uint(col.substr(3)) : std::nullopt;
    if (!id || *id > cpu_set::max_id) throw parse_error("/proc/interrupts header", source, text::quote(col) + " is not CPU<n>");
    if (seen.contains(*id)) throw parse_error("/proc/interrupts header", source, "CPU" + std::to_string(*id) + " twice");
    seen.add(*id);
    t.cpus.push_back(*id);
  }
  if (t.cpus.empty()) throw parse_error("/proc/interrupts header", source, "no CPU columns");

  for (++i; i < all.size(); ++i) {
    std::string_view line = all[i];
    if (text::trim(line).empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      throw parse_error("/proc/interrupts line", source, text::quote(line) + " has no '<id>:'");
    irq_line l;
    l.id = std::string(text::trim(line.substr(0, colon)));
    if (l.id.empty() || l.id.find_first_of(text::whitespace) != std::string::npos)
      throw parse_error("/proc/interrupts line", source, text::quote(line) + " has a bad id");
    l.irq = text::to_uint(l.id);
    // Tokens with their positions, so the name keeps its inner spacing.
    std::string_view rest = line.substr(colon + 1);
    std::size_t pos = 0;
    auto next_token = [&](std::size_t& at) -> std::string_view {
      auto b = rest.find_first_not_of(text::whitespace, pos);
      if (b == std::string_view::npos) {
        pos = rest.size();
        at = rest.size();
        return {};
      }
      auto e = rest.find_first_of(text::whitespace, b);
      if (e == std::string_view::npos) e = rest.size();
      at = b;
      pos = e;
      return rest.substr(b, e - b);
    };
    std::size_t at = 0;
    std::string_view tok;
    std::size_t tail = rest.size();
    for (;;) {
      std::size_t save = pos;
      tok = next_token(at);
      if (tok.empty()) break;
      auto n = text::to_u64(tok);
      if (!n) {
        pos = save;
        tail = at;
        break;
      }
      if (l.per_cpu.size() == t.cpus.size())
        throw parse_error("/proc/interrupts line", source, text::quote(line) + " has more counts than CPUs");
      l.per_cpu.push_back(*n);
    }
    std::string_view desc = text::trim(rest.substr(std::min(tail, rest.size())));
    if (!l.irq) {
      l.name = std::string(desc);
    } else if (!desc.empty()) {
      pos = tail;
      l.chip = std::string(next_token(at));
      std::size_t save = pos;
      std::string_view hw = next_token(at);
      if (auto dash = hw.find('-'); dash != std::string_view::npos && dash > 0) {
        l.hwirq = std::string(hw.substr(0, dash));
        l.trigger = std::string(hw.substr(dash + 1));
      } else if (!hw.empty() && text::to_u64(hw)) {
        l.hwirq = std::string(hw);
        std::size_t save2 = pos;
        std::string_view trig = next_token(at);
        if (is_trigger_word(trig)) l.trigger = std::string(trig);
        else pos = save2;
      } else {
        pos = save;  // no hwirq column: the rest is the name
      }
      l.name = std::string(text::trim(rest.substr(std::min(pos, rest.size()))));
    }
    t.lines.push_back(std::move(l));
  }
  return t;
}

interrupt_table read_interrupts(const host_root& root) {
  return parse_interrupts(root.read("/proc/interrupts"), "/proc/interrupts");
}

irq_affinity read_irq_affinity(const host_root& root, unsigned irq) {
  irq_affinity a;
  a.irq = irq;
  const std::string dir = "/proc/irq/" + std::to_string(irq);
  if (auto l = root.try_read(dir + "/smp_affinity_list")) {
    a.affinity = cpu_set::parse_list(*l, dir + "/smp_affinity_list");
  } else {
    a.affinity = cpu_set::parse_mask(root.read(dir + "/smp_affinity"), dir + "/smp_affinity");
  }
  if (auto l = root.try_read(dir + "/effective_affinity_list")) {
    a.effective = cpu_set::parse_list(*l, dir + "/effective_affinity_list");
  } else if (auto m = root.try_read(dir + "/effective_affinity")) {
    a.effective = cpu_set::parse_mask(*m, dir + "/effective_affinity");
  }
  if (auto n = root.try_read_line(dir + "/node")) {
    auto v = text::to_int(*n);
    if (!v) throw parse_error("IRQ node", dir + "/node", text::quote(*n) + " is not an integer");
    a.node = *v;
  }
  return a;
}

void write_irq_affinity(const host_root& root, unsigned irq, const cpu_set& cpus) {
  root.write("/proc/irq/" + std::to_string(irq) + "/smp_affinity_list", cpus.to_list());
}

}  // namespace xdpkit::topology
