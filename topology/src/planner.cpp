// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/planner.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace xdpkit::topology {

namespace {

std::string list_or_none(const cpu_set& s) { return s.empty() ? "none" : s.to_list(); }

int node_of(const cpu_topology& cpus, const numa_topology& numa, unsigned cpu) {
  if (const cpu_info* c = cpus.find(cpu); c && c->node >= 0) return c->node;
  for (const auto& n : numa.nodes)
    if (n.cpus.contains(cpu)) return static_cast<int>(n.id);
  return -1;
}

}  // namespace

cpu_plan plan_cpus(const cpu_topology& cpus, const numa_topology& numa, const cpu_set& isolated,
                   const plan_request& req) {
  if (req.workers == 0) throw std::invalid_argument("plan_cpus: workers must be at least 1");
  cpu_plan plan;
  cpu_set usable = cpus.online;
  if (req.allowed) usable &= *req.allowed;
  const cpu_set iso = isolated & usable;
  plan.explanation.push_back("usable CPUs " + list_or_none(usable) + ", isolated " + list_or_none(iso) +
                             (req.allowed ? " (restricted to " + list_or_none(*req.allowed) + ")" : ""));
  if (usable.empty()) {
    plan.explanation.push_back("no usable CPU: nothing to plan");
    return plan;
  }

  // Groups of CPUs, best first: the NIC's node, then the others by distance.
  std::vector<std::pair<int, cpu_set>> groups;
  const numa_node* home = req.nic_node >= 0 ? numa.find(static_cast<unsigned>(req.nic_node)) : nullptr;
  if (home && (home->cpus & usable).empty()) {
    plan.explanation.push_back("NIC node " + std::to_string(req.nic_node) +
                               " has no usable CPU (memory-only or excluded): using the nearest nodes");
  }
  if (home) {
    for (unsigned id : numa.by_distance(home->id)) {
      const numa_node* n = numa.find(id);
      if (n && !(n->cpus & usable).empty()) groups.emplace_back(static_cast<int>(id), n->cpus & usable);
    }
    cpu_set covered;
    for (const auto& g : groups) covered |= g.second;
    if (!(usable - covered).empty()) groups.emplace_back(-1, usable - covered);
    if (!(home->cpus & usable).empty())
      plan.explanation.push_back("NIC on node " + std::to_string(home->id) + ": CPUs " +
                                 (home->cpus & usable).to_list() + " are local");
  } else {
    if (req.nic_node >= 0)
      plan.explanation.push_back("NIC node " + std::to_string(req.nic_node) + " is not a known node: every usable CPU counts as local");
    else
      plan.explanation.push_back("NIC node unknown (-1): every usable CPU counts as local");
    groups.emplace_back(-1, usable);
  }

  // Isolated first, then away from CPU 0, then by id.
  auto rank = [&](unsigned c) { return std::make_tuple(iso.empty() || iso.contains(c) ? 0 : 1, c == 0 ? 1 : 0, c); };
  cpu_set chosen;
  cpu_set chosen_cores;  // every sibling of a chosen CPU
  auto take = [&](unsigned c, int group_node) {
    if (chosen_cores.contains(c)) plan.shares_siblings = true;
    chosen.add(c);
    chosen_cores |= cpus.siblings_of(c);
    plan.workers.push_back(c);
    if (home && group_node != static_cast<int>(home->id)) plan.crosses_nodes = true;
  };
  for (const auto& [gnode, members] : groups) {
    std::vector<unsigned> order = members.ids();
    std::sort(order.begin(), order.end(), [&](unsigned a, unsigned b) { return rank(a) < rank(b); });
    for (int pass = 0; pass < 2 && plan.workers.size() < req.workers; ++pass) {
      if (pass == 1 && !req.allow_siblings) {
        const std::size_t before = plan.workers.size();
        for (unsigned c : order)
          if (plan.workers.size() < req.workers && !chosen.contains(c)) take(c, gnode);
        if (plan.workers.size() > before)
          plan.explanation.push_back("not enough separate cores" + std::string(gnode >= 0 ? " on node " + std::to_string(gnode) : "") +
                                     ": some workers share a core with a hyper-thread sibling");
        continue;
      }
      for (unsigned c : order) {
        if (plan.workers.size() >= req.workers) break;
        if (chosen.contains(c) || (!req.allow_siblings && chosen_cores.contains(c))) continue;
        take(c, gnode);
      }
    }
  }
  plan.complete = plan.workers.size() == req.workers;
  if (!plan.complete)
    plan.explanation.push_back("only " + std::to_string(plan.workers.size()) + " usable CPUs for " +
                               std::to_string(req.workers) + " workers: run fewer workers or queues");
  if (plan.crosses_nodes)
    plan.explanation.push_back("workers off node " + std::to_string(home->id) +
                               ": their packets cross the interconnect; reduce workers to keep them local");
  for (std::size_t i = 0; i < plan.workers.size(); ++i) {
    unsigned c = plan.workers[i];
    std::string why = "worker " + std::to_string(i) + " on CPU " + std::to_string(c);
    int nd = node_of(cpus, numa, c);
    why += nd >= 0 ? " (node " + std::to_string(nd) : " (node ?";
    if (iso.contains(c)) why += ", isolated";
    cpu_set sib = cpus.siblings_of(c) - cpu_set{c};
    if (!sib.empty()) why += ", siblings " + sib.to_list();
    why += ")";
    plan.explanation.push_back(why);
  }
  if (usable.contains(0)) {
    if (chosen.contains(0)) plan.explanation.push_back("CPU 0 is a worker: no other CPU was left");
    else plan.explanation.push_back("CPU 0 avoided for workers: it carries the timer and unbound IRQs");
  }

  // Control: a housekeeping CPU.
  std::optional<unsigned> best;
  auto ckey = [&](unsigned c) {
    int nd = node_of(cpus, numa, c);
    return std::make_tuple(chosen.contains(c) ? 1 : 0, chosen_cores.contains(c) ? 1 : 0, iso.contains(c) ? 1 : 0,
                           home && nd != static_cast<int>(home->id) ? 1 : 0, c);
  };
  for (unsigned c : usable)
    if (!best || ckey(c) < ckey(*best)) best = c;
  plan.control = best;
  if (best) {
    plan.control_shared = chosen.contains(*best);
    std::string why = "control on CPU " + std::to_string(*best);
    if (plan.control_shared) why += ": shares a worker's CPU, every usable CPU is a worker";
    else if (chosen_cores.contains(*best)) why += ": a worker's hyper-thread sibling, no free core was left";
    else if (iso.contains(*best)) why += ": isolated, no housekeeping CPU was left";
    else why += ": a housekeeping CPU, away from the workers";
    plan.explanation.push_back(why);
  }
  return plan;
}

}  // namespace xdpkit::topology
