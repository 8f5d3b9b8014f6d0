// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/numa.hpp"

#include <algorithm>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/meminfo.hpp"

namespace xdpkit::topology {

namespace {
const std::string node_dir = "/sys/devices/system/node";

node_set read_set(const host_root& root, const std::string& path) {
  auto t = root.try_read(path);
  return t ? cpu_set::parse_list(*t, path) : cpu_set{};
}
}  // namespace

const numa_node* numa_topology::find(unsigned id) const noexcept {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

std::optional<int> numa_topology::distance(unsigned a, unsigned b) const noexcept {
  const numa_node* na = find(a);
  if (!na || !online.contains(b)) return std::nullopt;
  std::size_t col = 0;
  for (unsigned id : online) {
    if (id == b) break;
    ++col;
  }
  if (col >= na->distances.size()) return std::nullopt;
  return na->distances[col];
}

std::vector<unsigned> numa_topology::by_distance(unsigned from) const {
  std::vector<unsigned> ids = online.ids();
  std::stable_sort(ids.begin(), ids.end(), [&](unsigned x, unsigned y) {
    int dx = x == from ? -1 : distance(from, x).value_or(1 << 20);
    int dy = y == from ? -1 : distance(from, y).value_or(1 << 20);
    return dx < dy;
  });
  return ids;
}

numa_topology read_numa(const host_root& root, const cpu_topology& cpus) {
  numa_topology t;
  std::vector<unsigned> ids;
  for (const auto& name : root.list(node_dir)) {
    if (!text::starts_with(name, "node")) continue;
    if (auto id = text::to_uint(std::string_view(name).substr(4)); id && *id <= cpu_set::max_id)
      ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  if (ids.empty()) {
    t.synthesized = true;
    numa_node n;
    n.online = n.has_cpu = n.has_memory = true;
    n.cpus = cpus.online;
    n.distances = {10};
    if (auto mi = root.try_read("/proc/meminfo")) {
      auto m = parse_meminfo(*mi, "/proc/meminfo");
      n.mem_total_kb = m.get("MemTotal").value_or(0);
      n.mem_free_kb = m.get("MemFree").value_or(0);
    }
    t.possible = t.online = t.with_cpu = t.with_memory = cpu_set{0};
    t.nodes.push_back(std::move(n));
    return t;
  }
  t.possible = read_set(root, node_dir + "/possible");
  t.online = read_set(root, node_dir + "/online");
  // Linux has at most 1 << NODES_SHIFT (at most 10) nodes. A list beyond that
  // is not the kernel's, and every pairwise check on it would be quadratic.
  for (const auto& [set, file] : {std::pair{&t.possible, "/possible"}, std::pair{&t.online, "/online"}})
    if (set->count() > max_numa_nodes)
      throw parse_error("node list", node_dir + file,
                        "names " + std::to_string(set->count()) + " nodes; Linux has at most " +
                            std::to_string(max_numa_nodes));
  t.with_cpu = read_set(root, node_dir + "/has_cpu");
  t.with_memory = read_set(root, node_dir + "/has_memory");
  // Fixtures (and very old kernels) may lack the summary files; the directories
  // then say which nodes exist.
  if (t.online.empty())
    for (unsigned id : ids) t.online.add(id);
  if (t.possible.empty()) t.possible = t.online;

  for (unsigned id : ids) {
    numa_node n;
    n.id = id;
    const std::string dir = node_dir + "/node" + std::to_string(id);
    n.online = t.online.contains(id);
    n.cpus = read_set(root, dir + "/cpulist");
    n.has_cpu = root.exists(node_dir + "/has_cpu") ? t.with_cpu.contains(id) : !n.cpus.empty();
    if (auto d = root.try_read(dir + "/distance")) {
      for (auto tok : text::split_ws(*d)) {
        auto v = text::to_int(tok);
        if (!v || *v < 0) throw parse_error("distance row", dir + "/distance", text::quote(tok) + " is not a distance");
        n.distances.push_back(*v);
      }
    }
    if (auto mi = root.try_read(dir + "/meminfo")) {
      auto m = parse_meminfo(*mi, dir + "/meminfo");
      n.mem_total_kb = m.get("MemTotal").value_or(0);
      n.mem_free_kb = m.get("MemFree").value_or(0);
    }
    n.has_memory = root.exists(node_dir + "/has_memory") ? t.with_memory.contains(id) : n.mem_total_kb > 0;
    t.nodes.push_back(std::move(n));
  }
  if (!root.exists(node_dir + "/has_cpu"))
    for (const auto& n : t.nodes)
      if (n.has_cpu) t.with_cpu.add(n.id);
  if (!root.exists(node_dir + "/has_memory"))
    for (const auto& n : t.nodes)
      if (n.has_memory) t.with_memory.add(n.id);
  return t;
}

std::vector<std::string> check_numa(const numa_topology& numa, const cpu_topology& cpus) {
  std::vector<std::string> problems;
  const std::vector<unsigned> online = numa.online.ids();
  const std::size_t n = online.size();
  // Row i of the matrix is node online[i]'s distance file; column j is node
  // online[j]. Looked up once, so the checks are O(n^2), not O(n^3).
  std::vector<const numa_node*> row(n, nullptr);
  cpu_set without_dir;
  for (std::size_t i = 0; i < n; ++i) {
    row[i] = numa.find(online[i]);
    if (!row[i]) {
      without_dir.add(online[i]);
      continue;
    }
    if (row[i]->distances.size() != n)
      problems.push_back("node " + std::to_string(online[i]) + " has " + std::to_string(row[i]->distances.size()) +
                         " distances for " + std::to_string(n) + " online nodes (matrix not square)");
  }
  if (!without_dir.empty())
    problems.push_back("node(s) " + without_dir.to_list() + " are online but have no directory");
  auto at = [&](std::size_t i, std::size_t j) -> std::optional<int> {
    if (!row[i] || j >= row[i]->distances.size()) return std::nullopt;
    return row[i]->distances[j];
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (!row[i]) continue;
    for (std::size_t j = 0; j < n; ++j) {
      const auto dij = at(i, j);
      if (!dij) continue;
      const auto dji = at(j, i);
      const std::string pair = std::to_string(online[i]) + "->" + std::to_string(online[j]);
      if (i == j && *dij != 10)
        problems.push_back("distance " + pair + " is " + std::to_string(*dij) + ", the diagonal must be 10");
      if (i != j && *dij <= 10)
        problems.push_back("distance " + pair + " is " + std::to_string(*dij) + ", remote nodes must be > 10");
      if (i < j && dji && *dij != *dji)
        problems.push_back("distance " + pair + " is " + std::to_string(*dij) + " but the reverse is " +
                           std::to_string(*dji) + " (not symmetric)");
    }
  }
  for (unsigned cpu : cpus.online) {
    int owners = 0;
    for (const auto& node : numa.nodes) owners += node.cpus.contains(cpu) ? 1 : 0;
    if (owners != 1)
      problems.push_back("CPU " + std::to_string(cpu) + " is in " + std::to_string(owners) +
                         " nodes, it must be in exactly one");
  }
  return problems;
}

}  // namespace xdpkit::topology
