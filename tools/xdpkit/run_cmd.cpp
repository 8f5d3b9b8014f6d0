// SPDX-License-Identifier: Apache-2.0
// xdpkit run: attach, bind, poll one or more queues of an interface, report.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "engine_options.hpp"
#include "interval_loop.hpp"
#include "queue_words.hpp"
#include "signals.hpp"
#include "stats_report.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/json.hpp"

namespace xdpkit::cli {

namespace {

struct run_args {
  std::string iface;
  std::vector<std::string> queue_words{"0"};  // numbers, lists ("0-3"), or "all"
  std::vector<int> cpus;
  double duration = 0;
  bool json = false;
  bool quiet = false;
  std::string root = "/";
  engine_options engine;
};

int run(const run_args& a) {
  // The host as `xdpkit topology` reads it, and its one planner: the plan a
  // run makes is the plan `topology` prints.
  const topology::host_snapshot host = topology::read_host(topology::host_root(a.root));
  const topology::nic_info* nic = host.find_nic(a.iface);
  const std::vector<std::uint32_t> queues = resolve_queues(a.queue_words, nic, a.iface);
  if (!a.cpus.empty() && a.cpus.size() != queues.size())
    throw std::invalid_argument(std::to_string(a.cpus.size()) + " --cpu for " + std::to_string(queues.size()) +
                                " queue(s): give one per queue, in queue order, or none (the planner's)");
  // -1 when sysfs doesn't say (virtual devices, one-node hosts) or can't be read from this namespace.
  const int node = nic ? nic->numa_node() : -1;
  std::vector<int> cpus = a.cpus;
  std::optional<topology::cpu_plan> plan;
  if (cpus.empty()) {
    plan = topology::plan_for_interface(host, a.iface, static_cast<unsigned>(queues.size()));
    for (unsigned c : plan->workers) cpus.push_back(static_cast<int>(c));
    // Before the start, so that a start that fails still shows where the workers were to go.
    if (!a.json)
      for (const auto& n : plan->explanation) std::cout << "  cpu plan: " << n << "\n" << std::flush;
    if (!plan->complete)
      throw std::invalid_argument("not enough CPUs for " + std::to_string(queues.size()) +
                                  " workers; give them with --cpu");
  }
  std::shared_ptr<pcap_writer> capture;
  engine_config config = to_engine_config(a.engine, a.iface, queues, cpus, &capture);
  config.umem.numa_node = node;
  engine e = engine::start(config);
  if (a.json) {
    auto j = info_json(e);
    if (plan) j["cpu_plan"] = topology::plan_json(*plan);
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << info_line(e) << std::endl;
  }

  engine_stats last = e.stats();
  // Issue 12: a deleted interface left run printing 0 pps until its end,
  // exit 0. It is watched while run sleeps, and ends the run with an error.
  const loop_end end = run_intervals(
      a.duration, [&] { return e.interface_lost(); },
      [&](double t, double seconds) {
        interval i;
        i.after = e.stats();
        i.before = last;
        i.t = t;
        i.seconds = seconds;
        if (!a.quiet) std::cout << (a.json ? interval_json(i).dump() : interval_line(i)) << std::endl;
        last = i.after;
      });
  e.stop();
  const engine_stats final_stats = e.stats();
  if (capture) capture->flush();
  if (a.json) {
    auto j = summary_json(e, final_stats, end.seconds);
    if (capture)
      j["capture"] = {{"file", capture->file().string()}, {"written", capture->written()},
                      {"limit", capture->limit()}, {"snaplen", capture->snaplen()},
                      {"write_errors", capture->write_errors()}};
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << summary_text(e, final_stats, end.seconds);
    if (capture)
      std::cout << fmt::format("capture: {} packet(s) written to {} (snap length {}{}){}\n", capture->written(),
                               capture->file().string(), capture->snaplen(),
                               capture->limit() ? fmt::format(", limit {}", capture->limit()) : "",
                               capture->write_errors() ? fmt::format(", {} write error(s)", capture->write_errors()) : "");
  }
  if (end.lost) {
    if (a.json)
      std::cout << nlohmann::json{{"type", "error"}, {"interface", a.iface}, {"error", *end.lost}}.dump() << std::endl;
    std::cerr << "xdpkit run: stopped after " << fmt::format("{:.1f}", end.seconds) << " s: " << *end.lost << "\n";
    return 1;
  }
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
  cmd->add_option("--queue,-q", a->queue_words,
                  "Queue(s) to bind, one worker each: numbers, lists (0-3), or all (every rx queue the interface "
                  "has; `xdpkit probe IF` shows them)")
      ->capture_default_str();
  cmd->add_option("--cpu", a->cpus,
                  "CPU per worker, in --queue order (default: planned from the topology: on the NIC's node, "
                  "one per core, isolated CPUs first, not CPU 0 when avoidable)")
      ->check(CLI::Range(0, 4095));
  cmd->add_option("--duration,-d", a->duration, "Seconds to run; 0 runs until Ctrl-C")->check(finite_seconds(0, 1e9));
  cmd->add_flag("--json", a->json, "One JSON object per line: start, interval (each second), summary");
  cmd->add_flag("--quiet", a->quiet, "No per-second lines, only the start line and the summary");
  cmd->add_option("--root", a->root,
                  "Read /sys and /proc for the CPU plan and the NIC's node under this directory (as `xdpkit "
                  "topology --root` does); the data plane itself always runs on this host")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  add_engine_options(*cmd, a->engine);
  cmd->callback([a, &exit_code] {
    install_stop_signals();
    exit_code = run(*a);
  });
}

}  // namespace xdpkit::cli
