// SPDX-License-Identifier: Apache-2.0
// `xdpkit topology` and `xdpkit validate`: print what topology/ knows about a
// host (live or a fixture tree under --root) and what is not tuned on it.
// Exit status: 0 ok, 1 the validator found an error, 2 usage or setup error
// (unreadable root, malformed sysfs text, unknown --iface).
#include <algorithm>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/topology/planner.hpp"
#include "xdpkit/topology/validator.hpp"

namespace xdpkit::cli {

namespace {

namespace topo = xdpkit::topology;

struct topology_options {
  std::string root = "/";
  bool json = false;
  unsigned workers = 0;
};

struct validate_options {
  std::string root = "/";
  bool json = false;
  std::string iface;
  unsigned workers = 0;
};

// A plain-text table: columns padded to their widest cell.
class table {
 public:
  explicit table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(const char* indent = "  ") const {
    std::vector<std::size_t> width;
    for (const auto& r : rows_)
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (width.size() <= i) width.push_back(0);
        width[i] = std::max(width[i], r[i].size());
      }
    for (const auto& r : rows_) {
      std::string line = indent;
      for (std::size_t i = 0; i < r.size(); ++i) {
        line += r[i];
        if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
      }
      std::printf("%s\n", line.c_str());
    }
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

// IRQ names and sysctl values are bytes from the kernel, not necessarily UTF-8;
// nlohmann throws on invalid UTF-8 unless told to replace it.
std::string dump(const nlohmann::json& j) { return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }
std::string num(long long v) { return v < 0 ? "?" : std::to_string(v); }

void print_topology(const topo::host_snapshot& h, const topology_options& o) {
  std::printf("CPUs: online %s, offline %s, isolated %s, nohz_full %s\n", or_dash(h.cpus.online.to_list()).c_str(),
              or_dash(h.cpus.offline.to_list()).c_str(), or_dash(h.isolated_cpus().to_list()).c_str(),
              or_dash(h.cpus.nohz_full.to_list()).c_str());
  table cpus({"CPU", "NODE", "PACKAGE", "CORE", "SIBLINGS", "STATE"});
  for (const auto& c : h.cpus.cpus)
    cpus.add({std::to_string(c.id), num(c.node), num(c.package_id), num(c.core_id), or_dash(c.thread_siblings.to_list()),
              c.online ? "online" : "offline"});
  cpus.print();

  std::printf("\nNUMA nodes: %s%s\n", or_dash(h.numa.online.to_list()).c_str(),
              h.numa.synthesized ? " (no NUMA in this kernel: one node assumed)" : "");
  table nodes({"NODE", "CPUS", "MEMORY", "FREE", "DISTANCES"});
  for (const auto& n : h.numa.nodes) {
    std::string d;
    for (int x : n.distances) d += (d.empty() ? "" : " ") + std::to_string(x);
    nodes.add({std::to_string(n.id), or_dash(n.cpus.to_list()), std::to_string(n.mem_total_kb / 1024) + " MiB",
               std::to_string(n.mem_free_kb / 1024) + " MiB", or_dash(d)});
  }
  nodes.print();
  for (const auto& p : h.numa_problems) std::printf("  problem: %s\n", p.c_str());

  std::printf("\nHuge pages:\n");
  table pools({"NODE", "SIZE", "TOTAL", "FREE", "SURPLUS"});
  for (const auto& p : h.hugepages)
    pools.add({p.node < 0 ? "all" : std::to_string(p.node),
               p.page_size_kb >= 1048576 ? std::to_string(p.page_size_kb / 1048576) + " GiB"
                                         : std::to_string(p.page_size_kb / 1024) + " MiB",
               std::to_string(p.total), std::to_string(p.free), std::to_string(p.surplus)});
  if (h.hugepages.empty()) std::printf("  none (no hugetlbfs in this kernel)\n");
  else pools.print();

  const auto& c = h.cmdline;
  std::printf("\nKernel command line: isolcpus=%s nohz_full=%s rcu_nocbs=%s irqaffinity=%s\n",
              c.isolcpus ? c.isolcpus->text.c_str() : "-", c.nohz_full ? or_dash(c.nohz_full->to_list()).c_str() : "-",
              c.rcu_nocbs ? or_dash(c.rcu_nocbs->to_list()).c_str() : "-",
              c.irqaffinity ? or_dash(c.irqaffinity->to_list()).c_str() : "-");

  std::printf("\nNICs:\n");
  table nics({"NAME", "DRIVER", "PCI", "NODE", "LOCAL CPUS", "RX/TX QUEUES", "IRQS"});
  for (const auto& n : h.nics) {
    std::string irqs;
    for (const auto& q : n.irqs) irqs += (irqs.empty() ? "" : ",") + std::to_string(q.irq);
    nics.add({n.name, or_dash(n.driver), n.pci ? n.pci->address : (n.is_virtual ? "virtual" : "-"), num(n.numa_node()),
              n.pci ? or_dash(n.pci->local_cpus.to_list()) : "-",
              std::to_string(n.rx_queues) + "/" + std::to_string(n.tx_queues), or_dash(irqs)});
  }
  nics.print();
  for (const auto& s : h.skipped_interfaces) std::printf("  skipped %s\n", xdpkit::escape_controls(s).c_str());
  for (const auto& n : h.nics) {
    if (!n.pci) continue;
    if (!n.irqs.empty()) {
      std::printf("\n%s IRQs:\n", n.name.c_str());
      table irqs({"IRQ", "NAME", "AFFINITY", "EFFECTIVE"});
      for (const auto& q : n.irqs)
        irqs.add({std::to_string(q.irq), or_dash(q.name), q.affinity ? or_dash(q.affinity->affinity.to_list()) : "-",
                  q.affinity && q.affinity->effective ? or_dash(q.affinity->effective->to_list()) : "-"});
      irqs.print();
    }
    auto plan = topo::plan_for_nic(h, n, o.workers);
    std::string w;
    for (unsigned x : plan.workers) w += (w.empty() ? "" : ",") + std::to_string(x);
    std::printf("\nPlan for %s: workers on CPUs %s, control on CPU %s%s\n", n.name.c_str(), or_dash(w).c_str(),
                plan.control ? std::to_string(*plan.control).c_str() : "-", plan.complete ? "" : " (incomplete)");
    for (const auto& e : plan.explanation) std::printf("  - %s\n", e.c_str());
  }
}

void print_report(const topo::validation_report& r) {
  int counts[4] = {0, 0, 0, 0};
  for (const auto& c : r.checks) {
    ++counts[static_cast<int>(c.level)];
    const char* tag = c.level == topo::severity::ok        ? "[ ok ]"
                      : c.level == topo::severity::info    ? "[info]"
                      : c.level == topo::severity::warning ? "[warn]"
                                                           : "[FAIL]";
    std::printf("%s %s: %s\n", tag, c.id.c_str(), c.summary.c_str());
    if (c.level == topo::severity::ok) continue;
    for (const auto& e : c.evidence) std::printf("         %s: %s\n", e.source.c_str(), e.value.c_str());
    if (!c.remedy.empty()) std::printf("         remedy: %s\n", c.remedy.c_str());
  }
  std::printf("\n%d ok, %d info, %d warning(s), %d error(s)\n", counts[0], counts[1], counts[2], counts[3]);
}

// Setup errors (bad --root, malformed sysfs text, unknown interface) are exit 2.
template <typename F>
int guarded(F&& f) {
  try {
    return f();
  } catch (const xdpkit::os_error& e) {
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
  } catch (const topo::parse_error& e) {
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
  }
  return 2;
}

}  // namespace

void add_topology_commands(CLI::App& app, int& exit_code) {
  auto to = std::make_shared<topology_options>();
  CLI::App* t = app.add_subcommand("topology", "Show CPUs, NUMA nodes, huge pages, NICs with their IRQs, and the CPU plan");
  t->add_flag("--json", to->json, "Print JSON (schema xdpkit.topology/1, fields in topology/README.md)");
  t->add_option("--root", to->root, "Read /sys and /proc under this directory (a captured fixture tree)")
      ->check(CLI::ExistingDirectory);
  t->add_option("--workers", to->workers, "Plan this many workers per NIC (default: one per rx queue)")
      ->check(CLI::Range(1u, 4096u));
  t->callback([to, &exit_code] {
    exit_code = guarded([&] {
      topo::host_root root(to->root);
      auto host = topo::read_host(root);
      if (to->json) std::printf("%s\n", dump(topo::topology_json(host, to->workers)).c_str());
      else print_topology(host, *to);
      return 0;
    });
  });

  auto vo = std::make_shared<validate_options>();
  CLI::App* v = app.add_subcommand(
      "validate",
      "Check that this host is tuned for AF_XDP workers. Exit 0: every check passed; 1: a check failed (each "
      "error names its remedy); 2: the host (or --root) could not be read, or a bad option; 3: internal error");
  v->add_option("--iface", vo->iface, "Also check this NIC: its node, its IRQs, huge pages for its queues");
  v->add_flag("--json", vo->json, "Print JSON (schema xdpkit.validate/1, fields in topology/README.md)");
  v->add_option("--root", vo->root, "Read /sys and /proc under this directory (a captured fixture tree)")
      ->check(CLI::ExistingDirectory);
  v->add_option("--workers", vo->workers, "Size huge pages for this many workers (default: the NIC's rx queues, else 1)")
      ->check(CLI::Range(1u, 4096u));
  v->callback([vo, &exit_code] {
    exit_code = guarded([&] {
      topo::host_root root(vo->root);
      auto host = topo::read_host(root);
      topo::validate_options opt;
      if (!vo->iface.empty()) opt.iface = vo->iface;
      opt.workers = vo->workers;
      auto report = topo::validate_host(root, host, opt);
      if (vo->json) std::printf("%s\n", dump(topo::validation_json(report)).c_str());
      else print_report(report);
      return report.has_errors() ? 1 : 0;
    });
  });
}

}  // namespace xdpkit::cli
