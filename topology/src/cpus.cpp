// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/cpus.hpp"

#include <algorithm>
#include <string>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace {

const std::string cpu_dir = "/sys/devices/system/cpu";

cpu_set read_list(const host_root& root, const std::string& path, bool required) {
  auto text = required ? std::optional<std::string>(root.read(path)) : root.try_read(path);
  if (!text) return {};
  // The kernel writes "(null)" in nohz_full when the feature is built in but off.
  if (text::trim(*text) == "(null)") return {};
  return cpu_set::parse_list(*text, path);
}

int read_int_or(const host_root& root, const std::string& path, int fallback) {
  auto line = root.try_read_line(path);
  if (!line) return fallback;
  auto v = text::to_int(*line);
  if (!v) throw parse_error("integer", path, text::quote(*line) + " is not an integer");
  return *v;
}

}  // namespace

const cpu_info* cpu_topology::find(unsigned id) const noexcept {
  auto it = std::lower_bound(cpus.begin(), cpus.end(), id,
                             [](const cpu_info& c, unsigned v) { return c.id < v; });
  return it != cpus.end() && it->id == id ? &*it : nullptr;
}

cpu_set cpu_topology::siblings_of(unsigned id) const {
  const cpu_info* c = find(id);
  if (c && !c->thread_siblings.empty()) return c->thread_siblings;
  return cpu_set{id};
}

std::vector<cpu_set> cpu_topology::cores(const cpu_set& among) const {
  std::vector<cpu_set> out;
  cpu_set seen;
  for (unsigned id : among) {
    if (seen.contains(id)) continue;
    cpu_set core = siblings_of(id) & among;
    core.add(id);
    seen |= core;
    out.push_back(core);
  }
  return out;
}

cpu_topology read_cpus(const host_root& root) {
  cpu_topology t;
  t.online = read_list(root, cpu_dir + "/online", true);
  t.possible = read_list(root, cpu_dir + "/possible", false);
  t.present = read_list(root, cpu_dir + "/present", false);
  t.isolated = read_list(root, cpu_dir + "/isolated", false);
  t.nohz_full = read_list(root, cpu_dir + "/nohz_full", false);
  if (t.possible.empty()) t.possible = t.online;
  if (t.present.empty()) t.present = t.possible;
  t.offline = t.possible - t.online;

  // Node membership: cpuN/nodeM links are authoritative; node cpulists cover
  // kernels and fixtures without the links.
  std::vector<int> node_of(cpu_set::max_id + 1, -1);
  for (const auto& name : root.list("/sys/devices/system/node")) {
    if (!text::starts_with(name, "node")) continue;
    auto nid = text::to_int(std::string_view(name).substr(4));
    if (!nid) continue;
    for (unsigned c : read_list(root, "/sys/devices/system/node/" + name + "/cpulist", false))
      node_of[c] = *nid;
  }

  for (unsigned id : t.present) {
    cpu_info c;
    c.id = id;
    c.online = t.online.contains(id);
    const std::string dir = cpu_dir + "/cpu" + std::to_string(id);
    const std::string topo = dir + "/topology";
    c.core_id = read_int_or(root, topo + "/core_id", -1);
    c.package_id = read_int_or(root, topo + "/physical_package_id", -1);
    c.die_id = read_int_or(root, topo + "/die_id", -1);
    c.thread_siblings = read_list(root, topo + "/thread_siblings_list", false);
    c.package_cpus = read_list(root, topo + "/package_cpus_list", false);
    if (c.package_cpus.empty()) c.package_cpus = read_list(root, topo + "/core_siblings_list", false);
    c.node = node_of[id];
    for (const auto& name : root.list(dir)) {
      if (text::starts_with(name, "node")) {
        if (auto nid = text::to_int(std::string_view(name).substr(4))) c.node = *nid;
      }
    }
    t.cpus.push_back(std::move(c));
  }
  return t;
}

}  // namespace xdpkit::topology
