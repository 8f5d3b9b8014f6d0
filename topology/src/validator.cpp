// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/validator.hpp"

#include <algorithm>
#include <cstdint>
#include <cerrno>
#include <stdexcept>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/planner.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/topology/sysctl.hpp"

namespace xdpkit::topology {

std::string_view to_string(severity s) noexcept {
  switch (s) {
    case severity::ok: return "ok";
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
  }
  return "?";
}

severity validation_report::worst() const noexcept {
  severity w = severity::ok;
  for (const auto& c : checks) w = std::max(w, c.level);
  return w;
}

const check_result* validation_report::find(std::string_view id) const noexcept {
  for (const auto& c : checks)
    if (c.id == id) return &c;
  return nullptr;
}

namespace {

using std::to_string;

// A file's trimmed text for evidence: "(absent)" or "(unreadable: ...)" instead
// of a throw, so one odd file costs one check, not the report.
struct probe {
  std::optional<std::string> value;
  std::string shown;
};

probe read_probe(const host_root& root, const std::string& path) {
  try {
    auto v = root.try_read(path);
    if (!v) return {std::nullopt, "(absent)"};
    std::string t(text::trim(*v));
    return {t, t};
  } catch (const std::exception& e) {
    return {std::nullopt, std::string("(unreadable: ") + e.what() + ")"};
  }
}

probe sysctl_probe(const host_root& root, std::string_view name, std::vector<evidence_item>& ev) {
  const std::string path = sysctl_path(name);
  probe p = read_probe(root, path);
  ev.push_back({path, p.shown});
  return p;
}

check_result make(std::string id, severity s, std::string summary, std::vector<evidence_item> ev = {},
                  std::string remedy = {}) {
  return check_result{std::move(id), s, std::move(summary), std::move(ev), std::move(remedy)};
}

check_result check_numa_topology(const host_snapshot& h) {
  std::vector<evidence_item> ev;
  for (const auto& n : h.numa.nodes) {
    std::string row;
    for (int d : n.distances) row += (row.empty() ? "" : " ") + to_string(d);
    ev.push_back({"/sys/devices/system/node/node" + to_string(n.id) + "/distance", row});
  }
  if (h.numa.synthesized)
    return make("numa_topology", severity::info, "no NUMA information (kernel without CONFIG_NUMA): one node assumed", ev);
  if (!h.numa_problems.empty()) {
    std::string s;
    for (const auto& p : h.numa_problems) s += (s.empty() ? "" : "; ") + p;
    return make("numa_topology", severity::error, "inconsistent NUMA topology: " + s, ev,
                "the firmware's SLIT/SRAT tables are wrong or the fixture is broken; check 'numactl -H' and the BIOS NUMA settings");
  }
  return make("numa_topology", severity::ok,
              to_string(h.numa.online.count()) + " NUMA node(s), distance matrix consistent", ev);
}

check_result check_isolation(const host_snapshot& h) {
  const auto& c = h.cmdline;
  std::vector<evidence_item> ev;
  auto show = [](const std::optional<cpu_set>& s) { return s ? (s->empty() ? std::string("(empty)") : s->to_list()) : std::string("(not set)"); };
  std::optional<cpu_set> iso;
  if (c.isolcpus) iso = c.isolcpus->cpus;
  ev.push_back({"/proc/cmdline isolcpus", c.isolcpus ? c.isolcpus->text : "(not set)"});
  ev.push_back({"/proc/cmdline nohz_full", show(c.nohz_full)});
  ev.push_back({"/proc/cmdline rcu_nocbs", show(c.rcu_nocbs)});
  ev.push_back({"/sys/devices/system/cpu/isolated", h.cpus.isolated.empty() ? "(empty)" : h.cpus.isolated.to_list()});
  if (!iso && !c.nohz_full && !c.rcu_nocbs)
    return make("cpu_isolation", severity::info, "no CPU is isolated: workers share their CPUs with the kernel's housekeeping", ev,
                "for the lowest jitter add 'isolcpus=managed_irq,domain,<worker cpus> nohz_full=<worker cpus> rcu_nocbs=<worker cpus>' "
                "to the kernel command line (the planner's worker CPUs) and reboot");
  cpu_set all;
  for (const std::optional<cpu_set>* s : {static_cast<const std::optional<cpu_set>*>(&iso), &c.nohz_full, &c.rcu_nocbs})
    if (*s) all |= **s;
  const bool agree = iso && c.nohz_full && c.rcu_nocbs && *iso == *c.nohz_full && *iso == *c.rcu_nocbs;
  if (!agree) {
    auto name = [&](const char* key, const std::optional<cpu_set>& v) {
      return std::string(key) + "=" + (v ? (v->empty() ? std::string("(empty)") : v->to_list()) : std::string("(not set)"));
    };
    return make("cpu_isolation", severity::warning,
                "isolcpus, nohz_full and rcu_nocbs disagree (" + name("isolcpus", iso) + ", " + name("nohz_full", c.nohz_full) +
                    ", " + name("rcu_nocbs", c.rcu_nocbs) + "): a worker CPU may get the tick or RCU callbacks",
                ev,
                "use one CPU list in all three, e.g. 'isolcpus=managed_irq,domain," + all.to_list() + " nohz_full=" + all.to_list() +
                    " rcu_nocbs=" + all.to_list() + "' on the kernel command line, and reboot");
  }
  cpu_set missing = *iso - h.cpus.online;
  if (!missing.empty())
    return make("cpu_isolation", severity::warning, "isolated CPUs " + missing.to_list() + " are not online", ev,
                "bring them online (echo 1 > /sys/devices/system/cpu/cpuN/online) or drop them from the isolation lists");
  return make("cpu_isolation", severity::ok, "CPUs " + iso->to_list() + " are isolated, nohz_full and RCU-offloaded alike", ev);
}

check_result check_offline(const host_snapshot& h) {
  std::vector<evidence_item> ev{{"/sys/devices/system/cpu/online", h.cpus.online.to_list()},
                           {"/sys/devices/system/cpu/possible", h.cpus.possible.to_list()}};
  cpu_set off = h.cpus.present - h.cpus.online;
  if (off.empty()) return make("cpus_offline", severity::ok, "every present CPU is online", ev);
  return make("cpus_offline", severity::info, "present but offline CPUs: " + off.to_list() + "; the planner ignores them", ev,
              "to use them: echo 1 > /sys/devices/system/cpu/cpu<N>/online");
}

check_result check_numa_balancing(const host_root& root, const host_snapshot& h) {
  std::vector<evidence_item> ev;
  probe p = sysctl_probe(root, "kernel.numa_balancing", ev);
  if (!p.value) return make("numa_balancing", severity::ok, "automatic NUMA balancing is not built into this kernel", ev);
  if (*p.value == "0") return make("numa_balancing", severity::ok, "automatic NUMA balancing is off", ev);
  const bool multi = h.numa.online.count() > 1;
  return make("numa_balancing", multi ? severity::warning : severity::info,
              multi ? "automatic NUMA balancing is on: it unmaps worker pages to sample them and may migrate them"
                    : "automatic NUMA balancing is on (harmless with one node)",
              ev, "sysctl -w kernel.numa_balancing=0 (persist in /etc/sysctl.d/)");
}

check_result check_irqbalance(const host_root& root) {
  std::vector<evidence_item> ev;
  auto procs = find_processes(root, "irqbalance");
  if (procs.empty()) {
    ev.push_back({"/proc/*/stat", "no process named irqbalance"});
    return make("irqbalance", severity::ok, "irqbalance is not running", ev);
  }
  for (const auto& p : procs) ev.push_back({"/proc/" + to_string(p.pid) + "/stat", "comm (" + p.comm + ")"});
  return make("irqbalance", severity::warning, "irqbalance is running: it moves the NIC's IRQs away from the affinity xdpkit sets", ev,
              "systemctl stop irqbalance && systemctl disable irqbalance, or ban the worker CPUs with "
              "IRQBALANCE_BANNED_CPULIST=<worker cpus> in /etc/default/irqbalance");
}

check_result check_thp(const host_root& root) {
  const std::string path = "/sys/kernel/mm/transparent_hugepage/enabled";
  probe p = read_probe(root, path);
  std::vector<evidence_item> ev{{path, p.shown}};
  if (!p.value) return make("transparent_hugepages", severity::ok, "transparent huge pages are not built into this kernel", ev);
  auto b = p.value->find('['), e = p.value->find(']');
  std::string mode = (b != std::string::npos && e != std::string::npos && e > b) ? p.value->substr(b + 1, e - b - 1) : *p.value;
  if (mode == "always")
    return make("transparent_hugepages", severity::warning,
                "transparent huge pages are 'always': khugepaged compaction stalls can hit the workers", ev,
                "echo madvise > " + path + " (or transparent_hugepage=madvise on the kernel command line)");
  return make("transparent_hugepages", severity::ok, "transparent huge pages are '" + mode + "'", ev);
}

check_result check_hugepages(const host_snapshot& h, int node, unsigned workers,
                             std::uint64_t bytes_per_worker, const std::string& why_node) {
  constexpr std::uint64_t size_kb = 2048;
  const std::uint64_t need = umem_hugepages_needed(bytes_per_worker, workers);
  const std::string dir = "/sys/devices/system/node/node" + to_string(node) + "/hugepages/hugepages-2048kB";
  std::vector<evidence_item> ev;
  auto pool = find_pool(h.hugepages, node, size_kb);
  if (!pool) {
    auto global = find_pool(h.hugepages, -1, size_kb);
    ev.push_back({dir, "(absent)"});
    if (global)
      ev.push_back({"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", to_string(global->free)});
    return make("hugepages_free", severity::error,
                "no 2 MiB huge-page pool on node " + to_string(node) + " (" + why_node + "); " + to_string(need) +
                    " pages are needed for " + to_string(workers) + " worker UMEM(s)",
                ev, "use a kernel with CONFIG_HUGETLBFS, or run the workers with huge_preferred to fall back to normal pages");
  }
  ev.push_back({dir + "/nr_hugepages", to_string(pool->total)});
  ev.push_back({dir + "/free_hugepages", to_string(pool->free)});
  std::uint64_t avail = 0;
  if (!h.buddyinfo.empty()) {
    avail = hugepages_available(h.buddyinfo, node, size_kb);
    ev.push_back({"/proc/buddyinfo", "node " + to_string(node) + ": free blocks hold " + to_string(avail) + " pages of 2 MiB"});
  }
  const std::string need_s = to_string(need) + " pages (" + to_string(workers) + " worker UMEM(s) of " +
                             to_string(bytes_per_worker >> 20) + " MiB)";
  if (pool->free >= need)
    return make("hugepages_free", severity::ok,
                to_string(pool->free) + " free 2 MiB pages on node " + to_string(node) + " (" + why_node + "), " + need_s + " needed", ev);
  const std::uint64_t missing = need - pool->free;
  // Counters no kernel reports (a pool of 2^64-1 pages, more free than
  // there are) would make the remedy's sum wrap: say what is wrong instead.
  if (pool->free > pool->total || pool->total > UINT64_MAX - missing)
    return make("hugepages_free", severity::error,
                "the 2 MiB pool of node " + to_string(node) + " reports " + to_string(pool->total) + " pages with " +
                    to_string(pool->free) + " free, which no kernel reports; " + need_s + " needed",
                ev, "read the pool again (`cat " + dir + "/nr_hugepages " + dir + "/free_hugepages`); under --root, is the tree right?");
  std::string remedy = "echo " + to_string(pool->total + missing) + " > " + dir + "/nr_hugepages";
  if (!h.buddyinfo.empty())
    remedy += avail >= missing ? " (buddyinfo shows room for it now)"
                               : " (buddyinfo shows room for only " + to_string(avail) +
                                     " now: run 'echo 1 > /proc/sys/vm/compact_memory' first, or reserve at boot with "
                                     "'hugepagesz=2M hugepages=" + std::to_string(pool->total + missing) + "')";
  return make("hugepages_free", severity::error,
              "only " + to_string(pool->free) + " free 2 MiB pages on node " + to_string(node) + " (" + why_node + "), " + need_s +
                  " needed",
              ev, remedy);
}

check_result check_governor(const host_root& root, const host_snapshot& h) {
  std::vector<evidence_item> ev;
  cpu_set slow;
  bool any = false;
  for (unsigned c : h.cpus.online) {
    const std::string path = "/sys/devices/system/cpu/cpu" + to_string(c) + "/cpufreq/scaling_governor";
    probe p = read_probe(root, path);
    if (!p.value) continue;
    any = true;
    ev.push_back({path, p.shown});
    if (*p.value != "performance") slow.add(c);
  }
  if (!any) {
    ev.push_back({"/sys/devices/system/cpu/cpu*/cpufreq", "(absent)"});
    return make("cpufreq_governor", severity::info, "no cpufreq driver: the firmware or hypervisor sets the frequency", ev);
  }
  if (slow.empty()) return make("cpufreq_governor", severity::ok, "every online CPU uses the performance governor", ev);
  return make("cpufreq_governor", severity::warning,
              "CPU(s) " + slow.to_list() + " do not use the performance governor: a busy-polling worker waits for the clock to ramp up", ev,
              "cpupower frequency-set -g performance (or: for f in /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor; do echo performance > $f; done)");
}

check_result check_swap(const host_root& root) {
  probe p = read_probe(root, "/proc/swaps");
  std::vector<evidence_item> ev;
  if (!p.value) {
    ev.push_back({"/proc/swaps", p.shown});
    return make("swap", severity::ok, "no swap support in this kernel", ev);
  }
  auto lines = text::lines(*p.value);
  std::vector<std::string> active;
  for (std::size_t i = 1; i < lines.size(); ++i)
    if (!text::trim(lines[i]).empty()) active.emplace_back(text::trim(lines[i]));
  if (active.empty()) {
    ev.push_back({"/proc/swaps", "(no swap device)"});
    return make("swap", severity::ok, "swap is off", ev);
  }
  for (const auto& a : active) ev.push_back({"/proc/swaps", a});
  return make("swap", severity::warning,
              "swap is on: the UMEM is mlocked, but the rest of the process and the kernel's caches can still be paged out", ev,
              "swapoff -a (and remove the swap entries from /etc/fstab)");
}

check_result check_rt_runtime(const host_root& root) {
  std::vector<evidence_item> ev;
  probe p = sysctl_probe(root, "kernel.sched_rt_runtime_us", ev);
  if (!p.value) return make("sched_rt_runtime", severity::ok, "no RT throttling sysctl on this kernel", ev);
  if (*p.value == "-1") return make("sched_rt_runtime", severity::ok, "RT throttling is off", ev);
  return make("sched_rt_runtime", severity::info,
              "RT throttling is on (" + *p.value + " us per period): SCHED_FIFO workers are stopped for the rest of each period", ev,
              "only with SCHED_FIFO workers: sysctl -w kernel.sched_rt_runtime_us=-1");
}

// Many net.core sysctls (busy_poll, netdev_budget, bpf_jit_*) exist only in
// the initial network namespace, while net.core.somaxconn exists in every
// one: seen from a namespace (a lab, a container), such a sysctl's absence
// says nothing about the kernel. Adds the evidence when it is so.
bool hidden_by_namespace(const host_root& root, std::vector<evidence_item>& ev) {
  std::vector<evidence_item> per_ns;
  if (!sysctl_probe(root, "net.core.somaxconn", per_ns).value) return false;
  ev.insert(ev.end(), per_ns.begin(), per_ns.end());
  return true;
}

check_result check_busy_poll(const host_root& root) {
  std::vector<evidence_item> ev;
  probe poll = sysctl_probe(root, "net.core.busy_poll", ev);
  probe read = sysctl_probe(root, "net.core.busy_read", ev);
  if (!poll.value && !read.value && hidden_by_namespace(root, ev))
    return make("busy_poll", severity::info,
                "global busy polling cannot be seen from this network namespace (its sysctls exist only in the initial one)",
                ev, "check on the host: sysctl net.core.busy_poll net.core.busy_read");
  if (!poll.value && !read.value)
    return make("busy_poll", severity::warning, "this kernel has no busy polling (CONFIG_NET_RX_BUSY_POLL=n)", ev,
                "use a kernel built with CONFIG_NET_RX_BUSY_POLL=y; workers fall back to interrupts");
  if (poll.value == "0" && read.value == "0")
    return make("busy_poll", severity::info,
                "global busy polling is off; xdpkit enables it per socket (SO_BUSY_POLL, SO_PREFER_BUSY_POLL), other sockets stay interrupt-driven",
                ev, "for other applications' sockets: sysctl -w net.core.busy_poll=50 net.core.busy_read=50");
  return make("busy_poll", severity::ok, "global busy polling is configured", ev);
}

check_result check_budget(const host_root& root) {
  std::vector<evidence_item> ev;
  probe b = sysctl_probe(root, "net.core.netdev_budget", ev);
  sysctl_probe(root, "net.core.netdev_budget_usecs", ev);
  if (!b.value)
    return make("netdev_budget", severity::info,
                hidden_by_namespace(root, ev)
                    ? "net.core.netdev_budget cannot be seen from this network namespace (it exists only in the initial one)"
                    : "net.core.netdev_budget is not readable",
                ev);
  auto v = text::to_u64(*b.value);
  if (!v) return make("netdev_budget", severity::warning, "net.core.netdev_budget is not a number", ev, "sysctl -w net.core.netdev_budget=300");
  if (*v < 300)
    return make("netdev_budget", severity::warning,
                "net.core.netdev_budget is " + *b.value + ", below the default 300: softirq NAPI polling stops early (time_squeeze)", ev,
                "sysctl -w net.core.netdev_budget=600");
  return make("netdev_budget", severity::ok, "net.core.netdev_budget is " + *b.value, ev);
}

check_result check_jit(const host_root& root) {
  std::vector<evidence_item> ev;
  probe en = sysctl_probe(root, "net.core.bpf_jit_enable", ev);
  probe hard = sysctl_probe(root, "net.core.bpf_jit_harden", ev);
  if (!en.value) {
    if (hidden_by_namespace(root, ev))
      return make("bpf_jit", severity::info,
                  "the BPF JIT cannot be seen from this network namespace (its sysctls exist only in the initial one)",
                  ev, "check on the host: sysctl net.core.bpf_jit_enable (1 is right)");
    return make("bpf_jit", severity::error, "no BPF JIT: XDP programs would run in the interpreter, if at all", ev,
                "use a kernel built with CONFIG_BPF_JIT=y");
  }
  if (*en.value == "0")
    return make("bpf_jit", severity::error, "the BPF JIT is off: XDP programs run in the interpreter, several times slower", ev,
                "sysctl -w net.core.bpf_jit_enable=1");
  if (*en.value == "2")
    return make("bpf_jit", severity::warning, "the BPF JIT dumps every program to the kernel log (bpf_jit_enable=2)", ev,
                "sysctl -w net.core.bpf_jit_enable=1");
  if (hard.value == "2")
    return make("bpf_jit", severity::warning, "BPF JIT hardening applies to root's programs too (constant blinding costs cycles)", ev,
                "sysctl -w net.core.bpf_jit_harden=0 (or 1: unprivileged programs only)");
  return make("bpf_jit", severity::ok, "the BPF JIT is on" + std::string(hard.value == "1" ? ", hardening only for unprivileged programs" : ""), ev);
}

check_result check_nic_node(const host_snapshot& h, const nic_info& n) {
  std::vector<evidence_item> ev;
  if (!n.pci) {
    ev.push_back({"/sys/class/net/" + n.name + "/device", n.is_virtual ? "(absent: virtual interface)" : "(no PCI ancestor)"});
    return make("nic_numa_node", severity::info, n.name + " has no PCI device: it has no NUMA node of its own", ev);
  }
  ev.push_back({n.pci->sysfs_path + "/numa_node", to_string(n.pci->numa_node)});
  ev.push_back({n.pci->sysfs_path + "/local_cpulist", n.pci->local_cpus.to_list()});
  if (n.pci->numa_node >= 0)
    return make("nic_numa_node", severity::ok, n.name + " (" + n.pci->address + ") is on node " + to_string(n.pci->numa_node), ev);
  if (h.numa.online.count() <= 1)
    return make("nic_numa_node", severity::ok, n.name + " (" + n.pci->address + ") has no node (-1); with one node every CPU is local", ev);
  return make("nic_numa_node", severity::warning,
              n.name + " (" + n.pci->address + ") reports numa_node -1 on a " + to_string(h.numa.online.count()) +
                  "-node host: workers cannot be placed next to it",
              ev, "enable the ACPI SRAT/_PXM in the BIOS, or pin workers by hand with --cpus on the node the NIC's slot belongs to");
}

check_result check_nic_irqs(const host_snapshot& h, const nic_info& n) {
  std::vector<evidence_item> ev;
  cpu_set local = n.pci && !n.pci->local_cpus.empty() ? n.pci->local_cpus : h.cpus.online;
  if (n.pci && n.pci->numa_node >= 0)
    if (const numa_node* nd = h.numa.find(static_cast<unsigned>(n.pci->numa_node)); nd && !nd->cpus.empty()) local = nd->cpus;
  std::vector<unsigned> off;
  unsigned seen = 0;
  for (const auto& q : n.irqs) {
    if (!q.affinity) continue;
    ++seen;
    const cpu_set& where = q.affinity->effective ? *q.affinity->effective : q.affinity->affinity;
    ev.push_back({"/proc/irq/" + to_string(q.irq) + (q.affinity->effective ? "/effective_affinity_list" : "/smp_affinity_list"),
                  where.to_list() + (q.name.empty() ? "" : " (" + q.name + ")")});
    if (!where.is_subset_of(local)) off.push_back(q.irq);
  }
  if (seen == 0)
    return make("nic_irq_affinity", severity::info, n.name + " has no IRQs listed under /proc/irq (virtual or polled device)", ev);
  if (off.empty())
    return make("nic_irq_affinity", severity::ok, "all " + to_string(seen) + " IRQs of " + n.name + " fire on local CPUs " + local.to_list(), ev);
  std::string irqs;
  for (unsigned i : off) irqs += (irqs.empty() ? "" : ",") + to_string(i);
  return make("nic_irq_affinity", severity::warning,
              "IRQs " + irqs + " of " + n.name + " fire off the NIC's local CPUs " + local.to_list() + ": every packet crosses nodes", ev,
              "echo <worker cpu> > /proc/irq/<irq>/smp_affinity_list for each queue IRQ (xdpkit tune does this), after stopping irqbalance");
}

}  // namespace

std::uint64_t umem_hugepages_needed(std::uint64_t bytes_per_worker, unsigned workers) {
  constexpr std::uint64_t page = 2048 * 1024;
  return (bytes_per_worker + page - 1) / page * workers;
}

umem_node umem_node_for(const host_snapshot& h, const nic_info* nic) {
  if (nic && nic->numa_node() >= 0) return {static_cast<unsigned>(nic->numa_node()), nic->name + "'s node"};
  auto plan = plan_cpus(h.cpus, h.numa, h.isolated_cpus(), plan_request{-1, 1, false, std::nullopt});
  for (const auto& n : h.numa.nodes)
    if (!plan.workers.empty() && n.cpus.contains(plan.workers.front())) return {n.id, "the first worker's node"};
  if (!h.numa.with_memory.empty()) return {*h.numa.with_memory.first(), "the first node with memory"};
  return {0, "node 0"};
}

validation_report validate_host(const host_root& root, const host_snapshot& h, const validate_options& opt) {
  const nic_info* nic = nullptr;
  if (opt.iface) {
    nic = h.find_nic(*opt.iface);
    if (!nic) {
      // Same rules and message as read_nic(): invalid names and missing interfaces.
      (void)read_nic(root, *opt.iface);
      throw os_error(ENODEV, "find interface", root.resolve("/sys/class/net/" + *opt.iface).string(), "no such interface");
    }
  }
  unsigned workers = opt.workers;
  if (workers == 0) workers = nic ? std::max(1u, nic->rx_queues) : 1u;

  const umem_node placed = umem_node_for(h, nic);
  const int node = static_cast<int>(placed.node);
  const std::string& why_node = placed.why;

  validation_report r;
  r.checks.push_back(check_numa_topology(h));
  r.checks.push_back(check_isolation(h));
  r.checks.push_back(check_offline(h));
  r.checks.push_back(check_numa_balancing(root, h));
  r.checks.push_back(check_irqbalance(root));
  r.checks.push_back(check_thp(root));
  r.checks.push_back(check_hugepages(h, node, workers, opt.umem_bytes_per_worker, why_node));
  r.checks.push_back(check_governor(root, h));
  r.checks.push_back(check_swap(root));
  r.checks.push_back(check_rt_runtime(root));
  r.checks.push_back(check_busy_poll(root));
  r.checks.push_back(check_budget(root));
  r.checks.push_back(check_jit(root));
  if (nic) {
    r.checks.push_back(check_nic_node(h, *nic));
    r.checks.push_back(check_nic_irqs(h, *nic));
  }
  return r;
}

}  // namespace xdpkit::topology
