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

int default_worker_cpu() {
  // Not CPU 0 when there is another: CPU 0 takes most housekeeping interrupts.
  // The topology planner replaces this once the NIC's node is known.
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 1 ? static_cast<int>(n - 1) : -1;
}

int run(const run_args& a) {
  std::vector<int> cpus = a.cpus;
  if (cpus.empty() && a.queues.size() == 1) {
    if (int c = default_worker_cpu(); c >= 0) cpus.push_back(c);
  }
  engine e = engine::start(to_engine_config(a.engine, a.iface, a.queues, cpus));
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
                  "CPU per worker, in --queue order (default: the last online CPU for a single queue)");
  cmd->add_option("--duration,-d", a->duration, "Seconds to run; 0 runs until Ctrl-C")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", a->json, "One JSON object per line: start, interval (each second), summary");
  cmd->add_flag("--quiet", a->quiet, "No per-second lines, only the start line and the summary");
  add_engine_options(*cmd, a->engine);
  cmd->callback([a, &exit_code] { exit_code = run(*a); });
}

}  // namespace xdpkit::cli
