// xdpkit run: attach, bind, poll one or more queues of an interface, report.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include "commands.hpp"
#include "engine_options.hpp"
#include "signals.hpp"
#include "stats_report.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/nic.hpp"
#include "xdpkit/topology/numa.hpp"
#include "xdpkit/topology/planner.hpp"

namespace xdpkit::cli {

namespace {

struct run_args {
  std::string iface;
  std::vector<std::uint32_t> queues{0};
  std::vector<int> cpus;
  double duration = 0;
  bool json = false;
  bool quiet = false;
  engine_options engine;
};

// The NIC's NUMA node, or -1 when sysfs doesn't say (virtual devices, one-node
// hosts) or can't be read from this namespace.
int nic_node(const topology::host_root& root, const std::string& iface) {
  try {
    return topology::read_nic(root, iface).numa_node();
  } catch (const std::exception&) {
    return -1;
  }
}

int run(const run_args& a) {
  const topology::host_root root("/");
  const int node = nic_node(root, a.iface);
  std::vector<int> cpus = a.cpus;
  std::vector<std::string> plan_notes;
  if (cpus.empty()) {
    // Node-local CPUs, one per core, isolated first, not CPU 0 when avoidable.
    const auto cpu_topo = topology::read_cpus(root);
    const auto numa = topology::read_numa(root, cpu_topo);
    topology::plan_request req;
    req.nic_node = node;
    req.workers = static_cast<unsigned>(a.queues.size());
    const auto plan = topology::plan_cpus(cpu_topo, numa, cpu_topo.isolated, req);
    for (unsigned c : plan.workers) cpus.push_back(static_cast<int>(c));
    plan_notes = plan.explanation;
    if (!plan.complete)
      throw std::invalid_argument("not enough CPUs for " + std::to_string(a.queues.size()) +
                                  " workers; give them with --cpu");
  }
  engine_config config = to_engine_config(a.engine, a.iface, a.queues, cpus);
  config.umem.numa_node = node;
  engine e = engine::start(config);
  if (!a.json)
    for (const auto& n : plan_notes) std::cout << "  cpu plan: " << n << "\n";
  if (a.json)
    std::cout << info_json(e).dump() << std::endl;
  else
    std::cout << info_line(e) << std::endl;

  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  engine_stats last = e.stats();
  double last_t = 0;
  while (!stop_requested().load() && (a.duration <= 0 || elapsed() < a.duration)) {
    double next = last_t + 1.0;
    if (a.duration > 0 && next > a.duration) next = a.duration;
    sleep_unless_stopped(next - elapsed());
    interval i;
    i.after = e.stats();
    i.before = last;
    i.t = elapsed();
    i.seconds = i.t - last_t;
    if (!a.quiet) {
      if (a.json)
        std::cout << interval_json(i).dump() << std::endl;
      else
        std::cout << interval_line(i) << std::endl;
    }
    last = i.after;
    last_t = i.t;
  }
  e.stop();
  const engine_stats final_stats = e.stats();
  if (a.json)
    std::cout << summary_json(e, final_stats, elapsed()).dump() << std::endl;
  else
    std::cout << summary_text(e, final_stats, elapsed());
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<run_args>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Attach xdpkit's XDP program to an interface and poll its queues with AF_XDP workers.\n"
      "Every packet of a bound queue goes to a worker; --handler decides what happens to it.\n"
      "Example: xdpkit run --iface eth1 --queue 0 --handler l2fwd --duration 10\n"
      "Inside a lab namespace: ip netns exec NS xdpkit run --iface veth0");
  cmd->add_option("--iface,-i", a->iface, "Interface to attach to (in the current network namespace)")->required();
  cmd->add_option("--queue,-q", a->queues, "Queue(s) to bind, one worker each")->capture_default_str();
  cmd->add_option("--cpu", a->cpus,
                  "CPU per worker, in --queue order (default: planned from the topology: on the NIC's node, "
                  "one per core, isolated CPUs first, not CPU 0 when avoidable)");
  cmd->add_option("--duration,-d", a->duration, "Seconds to run; 0 runs until Ctrl-C")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", a->json, "One JSON object per line: start, interval (each second), summary");
  cmd->add_flag("--quiet", a->quiet, "No per-second lines, only the start line and the summary");
  add_engine_options(*cmd, a->engine);
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

}  // namespace xdpkit::cli
