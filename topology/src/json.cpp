// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/json.hpp"

namespace xdpkit::topology {

using nlohmann::json;

json to_json(const cpu_set& s) { return s.to_list(); }

json plan_json(const cpu_plan& p) {
  json j;
  j["workers"] = p.workers;
  j["control"] = p.control ? json(*p.control) : json(nullptr);
  j["complete"] = p.complete;
  j["shares_siblings"] = p.shares_siblings;
  j["crosses_nodes"] = p.crosses_nodes;
  j["control_shared"] = p.control_shared;
  j["explanation"] = p.explanation;
  return j;
}

namespace {

json cmdline_json(const kernel_cmdline& c) {
  json j;
  auto opt_set = [](const std::optional<cpu_set>& s) { return s ? json(s->to_list()) : json(nullptr); };
  if (c.isolcpus) j["isolcpus"] = {{"cpus", c.isolcpus->cpus.to_list()}, {"flags", c.isolcpus->flags}};
  else j["isolcpus"] = nullptr;
  j["nohz_full"] = opt_set(c.nohz_full);
  j["rcu_nocbs"] = opt_set(c.rcu_nocbs);
  j["irqaffinity"] = opt_set(c.irqaffinity);
  j["default_hugepagesz_kb"] = c.default_hugepagesz_kb ? json(*c.default_hugepagesz_kb) : json(nullptr);
  j["hugepages"] = json::array();
  for (const auto& h : c.hugepages) {
    json per = json::array();
    for (const auto& [node, n] : h.per_node) per.push_back({{"node", node}, {"count", n}});
    j["hugepages"].push_back({{"page_size_kb", h.page_size_kb}, {"count", h.count}, {"per_node", per}});
  }
  j["numa_balancing"] = c.numa_balancing ? json(*c.numa_balancing) : json(nullptr);
  return j;
}

}  // namespace

json topology_json(const host_snapshot& h, unsigned workers) {
  json j;
  j["schema"] = topology_schema;
  j["cpus"] = {
      {"possible", h.cpus.possible.to_list()}, {"present", h.cpus.present.to_list()},
      {"online", h.cpus.online.to_list()},     {"offline", h.cpus.offline.to_list()},
      {"isolated", h.cpus.isolated.to_list()}, {"nohz_full", h.cpus.nohz_full.to_list()},
  };
  json list = json::array();
  for (const auto& c : h.cpus.cpus)
    list.push_back({{"id", c.id},
                    {"online", c.online},
                    {"core", c.core_id},
                    {"package", c.package_id},
                    {"die", c.die_id},
                    {"node", c.node},
                    {"thread_siblings", c.thread_siblings.to_list()}});
  j["cpus"]["list"] = list;

  json nodes = json::array();
  for (const auto& n : h.numa.nodes)
    nodes.push_back({{"id", n.id},
                     {"online", n.online},
                     {"has_cpu", n.has_cpu},
                     {"has_memory", n.has_memory},
                     {"cpus", n.cpus.to_list()},
                     {"distances", n.distances},
                     {"mem_total_kb", n.mem_total_kb},
                     {"mem_free_kb", n.mem_free_kb}});
  j["numa"] = {{"online", h.numa.online.to_list()},
               {"possible", h.numa.possible.to_list()},
               {"synthesized", h.numa.synthesized},
               {"nodes", nodes},
               {"problems", h.numa_problems}};

  j["cmdline"] = cmdline_json(h.cmdline);

  json pools = json::array();
  for (const auto& p : h.hugepages) {
    json o = {{"node", p.node}, {"page_size_kb", p.page_size_kb}, {"total", p.total}, {"free", p.free}, {"surplus", p.surplus}};
    o["reserved"] = p.reserved ? json(*p.reserved) : json(nullptr);
    pools.push_back(o);
  }
  j["hugepages"] = pools;

  json nics = json::array();
  for (const auto& n : h.nics) {
    json o = {{"name", n.name},       {"ifindex", n.ifindex},     {"driver", n.driver},
              {"virtual", n.is_virtual}, {"rx_queues", n.rx_queues}, {"tx_queues", n.tx_queues},
              {"numa_node", n.numa_node()}};
    if (n.pci)
      o["pci"] = {{"address", n.pci->address},     {"sysfs_path", n.pci->sysfs_path}, {"numa_node", n.pci->numa_node},
                  {"local_cpus", n.pci->local_cpus.to_list()}, {"vendor", n.pci->vendor}, {"device", n.pci->device},
                  {"driver", n.pci->driver}};
    else
      o["pci"] = nullptr;
    json irqs = json::array();
    for (const auto& q : n.irqs) {
      json qi = {{"irq", q.irq}, {"name", q.name}};
      qi["affinity"] = q.affinity ? json(q.affinity->affinity.to_list()) : json(nullptr);
      qi["effective_affinity"] =
          q.affinity && q.affinity->effective ? json(q.affinity->effective->to_list()) : json(nullptr);
      irqs.push_back(qi);
    }
    o["irqs"] = irqs;
    // Only devices have a place; a plan for lo or a veth would mean nothing.
    o["plan"] = n.pci ? plan_json(plan_for_nic(h, n, workers)) : json(nullptr);
    nics.push_back(o);
  }
  j["nics"] = nics;
  j["skipped_interfaces"] = h.skipped_interfaces;
  return j;
}

json validation_json(const validation_report& r) {
  json j;
  j["schema"] = validation_schema;
  j["worst"] = std::string(to_string(r.worst()));
  j["errors"] = r.has_errors();
  json checks = json::array();
  for (const auto& c : r.checks) {
    json ev = json::array();
    for (const auto& e : c.evidence) ev.push_back({{"source", e.source}, {"value", e.value}});
    checks.push_back({{"id", c.id},
                      {"severity", std::string(to_string(c.level))},
                      {"summary", c.summary},
                      {"evidence", ev},
                      {"remedy", c.remedy}});
  }
  j["checks"] = checks;
  return j;
}

}  // namespace xdpkit::topology
