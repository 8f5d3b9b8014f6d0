// SPDX-License-Identifier: Apache-2.0
// xdpkit demo: the whole data plane on a veth lab this command builds and
// removes itself. Generator namespace --veth--> DUT namespace, where xdpkit's
// XDP program steers every packet to an AF_XDP worker.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <iostream>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "engine_options.hpp"
#include "generator_report.hpp"
#include "generator_thread.hpp"
#include "signals.hpp"
#include "stats_report.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/packet_builder.hpp"
#include "xdpkit/lab/pool_note.hpp"
#include "xdpkit/lab/veth_lab.hpp"
#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::cli {

namespace {

struct demo_args {
  bool steer_only = false;
  double duration = 10;
  std::uint64_t packets = 50'000'000;
  bool json = false;
  std::string generator = "auto";
  engine_options engine;
};

// The demo's UMEM lives on 2 MiB pages. When the worker's node has too few
// free, the demo grows that node's pool by what is missing and the returned
// owner shrinks it back at exit: the host keeps the pool it had.
// veth has no NUMA node, so the worker's node stands in for the NIC's.
int node_of_cpu(int cpu) {
  if (cpu < 0) return 0;
  for (const auto& c : topology::read_cpus(topology::host_root("/")).cpus)
    if (static_cast<int>(c.id) == cpu && c.node >= 0) return c.node;
  return 0;
}

std::optional<topology::hugepage_reservation> reserve_umem_pages(const engine_config& c,
                                                                 const std::function<void(const std::string&)>& say) {
  if (c.umem.pages == page_policy::normal) return std::nullopt;
  const topology::host_root root("/");
  const int node = c.umem.numa_node >= 0 ? c.umem.numa_node : 0;
  constexpr std::uint64_t page_kb = 2048;
  const std::uint64_t bytes = std::uint64_t{c.umem.frame_count} * c.umem.frame_size;
  const std::uint64_t needed = (bytes + page_kb * 1024 - 1) / (page_kb * 1024);
  const auto pool = topology::find_pool(topology::read_hugepage_pools(root), node, page_kb);
  const std::uint64_t free_pages = pool ? pool->free : 0;
  if (free_pages >= needed) return std::nullopt;
  try {
    auto r = topology::hugepage_reservation::reserve(root, static_cast<unsigned>(node), page_kb, needed - free_pages);
    say(fmt::format("reserved {} huge pages of 2 MiB on node {} for the UMEM ({} -> {} in {}; put back at exit)",
                    needed - free_pages, node, r.old_total(), r.new_total(), r.sysfs_path()));
    return r;
  } catch (const std::exception& e) {
    if (c.umem.pages == page_policy::huge_required) throw;
    say(std::string("could not reserve huge pages, continuing on normal pages: ") + e.what());
    return std::nullopt;
  }
}

int demo(const demo_args& a) {
  const bool human = !a.json;
  const std::function<void(const std::string&)> say = [&](const std::string& s) {
    if (human) std::cout << s << std::endl;
  };
  for (const auto& note : lab::restore_stale_pool_notes(topology::host_root("/"))) say(note);
  // Before the lab exists: a backend the kernel refuses is an error up front.
  const lab::generator_support& support = lab::probe_generators();
  const lab::generator_kind gen_kind = lab::choose_generator(support, lab::parse_generator_choice(a.generator));

  say("building the veth lab (two network namespaces, one veth pair)...");
  lab::veth_lab_options lo;
  lo.prefix = "xkdemo";
  lab::veth_lab lab = lab::veth_lab::create(lo);
  for (const auto& ns : lab.stale_removed()) say("removed a stale lab namespace left by a killed demo: " + ns);
  say(fmt::format("  {} [{} {} {}]  <-veth->  {} [{} {} {}]", lab.gen_ns(), lab.gen_if(), lab.gen_ip(),
                  lab::to_string(lab.gen_mac()), lab.dut_ns(), lab.dut_if(), lab.dut_ip(),
                  lab::to_string(lab.dut_mac())));

  // Placement on a small host: the generator and the veth receive path (veth
  // runs the peer's NAPI in the sender's softirq) share CPU 0; the worker has
  // the last CPU to itself.
  const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  const int gen_cpu = 0;
  const int worker_cpu = ncpu > 1 ? static_cast<int>(ncpu - 1) : -1;

  engine_config config = to_engine_config(a.engine, lab.dut_if(), {0},
                                          worker_cpu >= 0 ? std::vector<int>{worker_cpu} : std::vector<int>{});
  config.umem.numa_node = node_of_cpu(worker_cpu);
  if (!config.firewall && !a.steer_only) {
    // The demo's own rule set: the lab's UDP flow goes to the worker, anything
    // else IP is dropped (and counted by reason), ARP and the like pass.
    const std::string net = lab.unowned_ip().substr(0, lab.unowned_ip().rfind('.')) + ".0/24";
    const std::string rules = "redirect-xsk proto udp dst " + net + " dport 9\ndrop proto udp dport 53\n"
                              "default drop\nnon-ip pass\n";
    config.firewall = firewall::parse_rules(rules, "demo rules");
    say("firewall rules (the demo's own; --rules FILE for yours, --steer-only for none):");
    for (const auto& r : config.firewall->rules) say("  " + r.text);
    say("  default drop\n  non-ip pass");
  }
  // Declared before the engine: the pages go back only after the UMEM is unmapped.
  std::optional<topology::hugepage_reservation> pages = reserve_umem_pages(config, say);
  std::optional<lab::pool_note> pages_note;  // lets the next start undo `pages` if this process is killed
  if (pages) pages_note.emplace(lab::pool_note::write(*pages));
  std::optional<engine> e;
  {
    lab::netns_scope in_dut(lab.dut_ns());
    e.emplace(engine::start(config));
  }
  if (a.json) {
    auto j = info_json(*e);
    j["lab"] = {{"gen_ns", lab.gen_ns()}, {"dut_ns", lab.dut_ns()}, {"gen_if", lab.gen_if()}, {"dut_if", lab.dut_if()}};
    j["generator"] = generator_json(support, gen_kind);
    std::cout << j.dump() << std::endl;
  } else {
    say(info_line(*e));
    say(generator_line(support, gen_kind));
    say(fmt::format("sending up to {} packets for up to {:.0f} s (Ctrl-C stops early and still cleans up)",
                    a.packets, a.duration));
  }

  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  generator_thread gen(lab, gen_kind, a.packets, a.duration, gen_cpu);
  engine_stats last = e->stats();
  std::uint64_t last_sent = 0;
  double last_t = 0;
  while (!stop_requested().load() && !gen.done()) {
    sleep_unless_stopped(std::max(0.0, last_t + 1.0 - elapsed()), [&] { return gen.done(); });
    interval i;
    i.has_generator = true;
    i.before = last;
    i.after = e->stats();
    i.sent_before = last_sent;
    i.sent_after = gen.sent();
    i.t = elapsed();
    i.seconds = i.t - last_t;
    // The live generator counts a whole BPF_PROG_RUN call (2^20 frames) at
    // once, so the sliver of an interval left when it finishes would show a
    // sent rate of ~50 Mpps; the summary below has the totals.
    if (i.seconds < 0.25) break;
    std::cout << (a.json ? interval_json(i).dump() : interval_line(i)) << std::endl;
    last = i.after;
    last_sent = i.sent_after;
    last_t = i.t;
  }
  gen.finish();
  // Frames still in the veth ring land within microseconds; give them a moment
  // so the summary's counts add up.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  e->stop();
  const engine_stats s = e->stats();
  const double secs = elapsed();
  const std::uint64_t sent = gen.sent();
  const std::uint64_t xdp_rx = s.program.rx_packets;
  if (a.json) {
    auto j = summary_json(*e, s, secs);
    j["sent"] = sent;
    j["generator"] = {{"kind", lab::to_string(gen_kind)}, {"sent", sent}, {"refused", gen.refused()}};
    std::cout << j.dump() << std::endl;
  } else {
    std::cout << summary_text(*e, s, secs);
    say(generator_summary(gen_kind, sent, gen.refused(), xdp_rx, secs));
    say("removing the lab: workers, sockets, UMEM, XDP program, namespaces...");
  }
  e.reset();
  if (pages) {
    pages->restore();
    pages_note.reset();
    say(fmt::format("huge pages on node {} back to {}", pages->node(), pages->old_total()));
  }
  return 0;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<demo_args>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Build a veth lab in two fresh network namespaces, attach xdpkit to one end, send bounded\n"
      "traffic from the other, print rx/forwarded/dropped each second and a summary, then remove\n"
      "everything it created (also on Ctrl-C). Needs root. Example: xdpkit demo --handler l2fwd");
  cmd->add_option("--duration,-d", a->duration, "Seconds of traffic (at most)")
      ->check(finite_seconds(0.5, 3600.0))
      ->capture_default_str();
  cmd->add_option("--packets,-n", a->packets, "Packets to send (at most)")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_flag("--json", a->json, "One JSON object per line: start, interval (each second), summary");
  cmd->add_flag("--steer-only", a->steer_only,
                "Attach the plain steer program (every packet to the worker) instead of the firewall");
  add_generator_option(*cmd, a->generator);
  add_engine_options(*cmd, a->engine);
  cmd->callback([a, &exit_code] {
    install_stop_signals();
    exit_code = demo(*a);
  });
}

}  // namespace xdpkit::cli
