// SPDX-License-Identifier: Apache-2.0
// xdpkit forward A B: frames from A out of B and from B out of A, on the
// cheapest path. Today that is the XDP path (userspace/forward): no packet
// reaches userspace; a line per second per direction and a summary.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "engine_options.hpp"
#include "interval_loop.hpp"
#include "signals.hpp"
#include "xdpkit/forward/xdp_forwarder.hpp"

namespace xdpkit::cli {

namespace {

namespace fw = xdpkit::forward;

struct forward_args {
  std::string a, b;
  std::string path = "auto";
  std::string xdp_mode = "auto";
  double duration = 0;
  bool json = false;
  bool quiet = false;
};

std::string rate(double pps) {
  if (pps >= 1e6) return fmt::format("{:.2f} Mpps", pps / 1e6);
  if (pps >= 1e3) return fmt::format("{:.1f} kpps", pps / 1e3);
  return fmt::format("{:.0f} pps", pps);
}

nlohmann::json start_json(const fw::xdp_forwarder& f) {
  nlohmann::json dirs = nlohmann::json::array();
  for (const auto& d : f.directions())
    dirs.push_back({{"from", d.attachment().ifname()},
                    {"to", d.egress()},
                    {"xdp_mode", std::string(to_string(d.attachment().mode()))},
                    {"backend", std::string(to_string(d.attachment().backend()))},
                    {"xmit", d.attachment().ifname() == d.egress() ? "XDP_TX" : "devmap"}});
  return {{"type", "start"}, {"path", "xdp"}, {"directions", dirs}};
}

std::string start_text(const fw::xdp_forwarder& f) {
  std::string s = "forward on the XDP path (no packet reaches userspace):";
  for (const auto& d : f.directions())
    s += fmt::format("\n  {} -> {}: xdpkit_forward in {} mode via {}, {}", d.attachment().ifname(), d.egress(),
                     to_string(d.attachment().mode()), to_string(d.attachment().backend()),
                     d.attachment().ifname() == d.egress() ? "back out with XDP_TX" : "through a devmap");
  return s;
}

nlohmann::json direction_json(const fw::direction_stats& now, const fw::direction_stats* before, double seconds) {
  nlohmann::json j{{"from", now.from},
                   {"to", now.to},
                   {"in", now.counters.rx_packets},
                   {"in_bytes", now.counters.rx_bytes},
                   {"out", now.counters.forwarded},
                   {"dropped", now.counters.failed}};
  if (before && seconds > 0) {
    j["in_pps"] = static_cast<double>(now.counters.rx_packets - before->counters.rx_packets) / seconds;
    j["out_pps"] = static_cast<double>(now.counters.forwarded - before->counters.forwarded) / seconds;
    j["dropped_pps"] = static_cast<double>(now.counters.failed - before->counters.failed) / seconds;
  }
  return j;
}

int forward(const forward_args& a) {
  // `auto` picks the cheapest path that does what was asked: with no handler
  // to run on the packets, that is XDP.
  fw::xdp_forwarder_config config;
  config.a = a.a;
  config.b = a.b;
  config.mode = a.xdp_mode == "native"    ? xdp_mode_request::native
                : a.xdp_mode == "generic" ? xdp_mode_request::generic
                                          : xdp_mode_request::automatic;
  fw::xdp_forwarder f = fw::xdp_forwarder::start(config);
  std::cout << (a.json ? start_json(f).dump() : start_text(f)) << std::endl;

  auto last = f.stats();
  const loop_end end = run_intervals(
      a.duration, [&] { return f.interface_lost(); },
      [&](double t, double dt) {
        const auto now = f.stats();
        if (!a.quiet) {
          if (a.json) {
            nlohmann::json dirs = nlohmann::json::array();
            for (std::size_t k = 0; k < now.size(); ++k) dirs.push_back(direction_json(now[k], &last[k], dt));
            std::cout << nlohmann::json{{"type", "interval"}, {"t", t}, {"directions", dirs}}.dump() << std::endl;
          } else {
            std::string line = fmt::format("t={:5.1f}s", t);
            for (std::size_t k = 0; k < now.size(); ++k) {
              const auto& c = now[k].counters;
              const auto& p = last[k].counters;
              line += fmt::format("{}  {} -> {}  in {}  out {}  dropped {}", k ? "  |" : "", now[k].from, now[k].to,
                                  rate(static_cast<double>(c.rx_packets - p.rx_packets) / dt),
                                  rate(static_cast<double>(c.forwarded - p.forwarded) / dt),
                                  rate(static_cast<double>(c.failed - p.failed) / dt));
            }
            std::cout << line << std::endl;
          }
        }
        last = now;
      });
  const auto final_stats = f.stats();
  const double seconds = end.seconds;
  if (a.json) {
    nlohmann::json dirs = nlohmann::json::array();
    for (const auto& d : final_stats) dirs.push_back(direction_json(d, nullptr, 0));
    std::cout << nlohmann::json{{"type", "summary"}, {"path", "xdp"}, {"seconds", seconds}, {"directions", dirs}}.dump()
              << std::endl;
  } else {
    std::cout << fmt::format("summary ({:.1f} s, XDP path):\n", seconds);
    for (const auto& d : final_stats)
      std::cout << fmt::format("  {} -> {}  in {} ({} bytes)  out {}  dropped {}\n", d.from, d.to, d.counters.rx_packets,
                               d.counters.rx_bytes, d.counters.forwarded, d.counters.failed);
  }
  if (end.lost) {
    if (a.json) std::cout << nlohmann::json{{"type", "error"}, {"error", *end.lost}}.dump() << std::endl;
    std::cerr << "xdpkit forward: stopped after " << fmt::format("{:.1f}", seconds) << " s: " << *end.lost << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void add_forward_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<forward_args>();
  CLI::App* cmd = app.add_subcommand(
      "forward",
      "Send every frame that arrives on IF_A out of IF_B and every frame of IF_B out of IF_A, unchanged, on the\n"
      "cheapest path: today the XDP path (a devmap redirect per direction; XDP_TX when IF_A is IF_B), where no\n"
      "packet reaches userspace. A line per second per direction (in, out, dropped) and a summary; Ctrl-C stops\n"
      "and detaches. Example, in a lab namespace: ip netns exec NS xdpkit forward veth1 veth2 --duration 10\n"
      "On veth the far ends need an XDP program (or GRO) to receive redirected frames; 'out' counts what the\n"
      "program handed to the egress device.");
  cmd->add_option("IF_A", a->a, "First interface (in the current network namespace)")->required();
  cmd->add_option("IF_B", a->b, "Second interface (may be IF_A: frames go back out where they came in)")->required();
  cmd->add_option("--path", a->path,
                  "auto: the cheapest path that does the job (XDP: no handler runs on the packets); xdp: the XDP "
                  "path. The AF_XDP path for handlers is not built yet")
      ->check(CLI::IsMember({"auto", "xdp"}))
      ->capture_default_str();
  cmd->add_option("--xdp-mode", a->xdp_mode, "auto: native XDP, generic only if the driver refuses; native; generic")
      ->check(CLI::IsMember({"auto", "native", "generic"}))
      ->capture_default_str();
  cmd->add_option("--duration,-d", a->duration, "Seconds to run; 0 runs until Ctrl-C")->check(finite_seconds(0, 1e9));
  cmd->add_flag("--json", a->json, "One JSON object per line: start, interval (each second), summary");
  cmd->add_flag("--quiet", a->quiet, "No per-second lines, only the start line and the summary");
  cmd->callback([a, &exit_code] {
    install_stop_signals();
    exit_code = forward(*a);
  });
}

}  // namespace xdpkit::cli
