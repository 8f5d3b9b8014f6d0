// SPDX-License-Identifier: Apache-2.0
// xdpkit forward A B: frames from A out of B and from B out of A. The XDP
// path (the cheapest, what auto picks: no packet reaches userspace) or the
// AF_XDP path (one UMEM shared by a socket on each interface, a worker per
// queue pair); a line per second per direction and a summary.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "engine_options.hpp"
#include "interval_loop.hpp"
#include "signals.hpp"
#include "xdpkit/forward/afxdp_forwarder.hpp"
#include "xdpkit/forward/xdp_forwarder.hpp"
#include <net/if.h>

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
  // The AF_XDP path's own knobs.
  std::vector<std::uint32_t> queues{0};
  std::vector<int> cpus;
  std::string wait = "busy";
  std::string pages = "huge-or-normal";
  std::uint32_t frames = 4096;
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

// One direction's numbers as both paths give them.
struct flow {
  std::string from, to;
  std::uint64_t in = 0, in_bytes = 0, out = 0, dropped = 0;
};

nlohmann::json flow_json(const flow& now, const flow* before, double seconds) {
  nlohmann::json j{{"from", now.from}, {"to", now.to}, {"in", now.in}, {"in_bytes", now.in_bytes},
                   {"out", now.out},   {"dropped", now.dropped}};
  if (before && seconds > 0) {
    j["in_pps"] = static_cast<double>(now.in - before->in) / seconds;
    j["out_pps"] = static_cast<double>(now.out - before->out) / seconds;
    j["dropped_pps"] = static_cast<double>(now.dropped - before->dropped) / seconds;
  }
  return j;
}

// Both directions summed over the queue pairs. Dropped: no room on the far
// tx ring, or the kernel's drops on the receiving socket (its rx ring full, no fill frame).
std::vector<flow> afxdp_flows(const fw::afxdp_forwarder& f) {
  flow ab{f.config().a, f.config().b}, ba{f.config().b, f.config().a};
  for (const auto& p : f.stats()) {
    ab.in += p.a_to_b.rx_packets;
    ab.in_bytes += p.a_to_b.rx_bytes;
    ab.out += p.a_to_b.tx_packets;
    ab.dropped += p.a_to_b.tx_ring_full + p.a.rx_dropped + p.a.rx_ring_full;
    ba.in += p.b_to_a.rx_packets;
    ba.in_bytes += p.b_to_a.rx_bytes;
    ba.out += p.b_to_a.tx_packets;
    ba.dropped += p.b_to_a.tx_ring_full + p.b.rx_dropped + p.b.rx_ring_full;
  }
  return {ab, ba};
}

std::vector<flow> xdp_flows(const fw::xdp_forwarder& f) {
  std::vector<flow> out;
  for (const auto& d : f.stats())
    out.push_back({d.from, d.to, d.counters.rx_packets, d.counters.rx_bytes, d.counters.forwarded, d.counters.failed});
  return out;
}

// The per-second lines of either path, until the duration ends, Ctrl-C, or `lost` names an interface that went.
loop_end report_flows(const forward_args& a, const std::function<std::optional<std::string>()>& lost,
                      const std::function<std::vector<flow>()>& flows) {
  auto last = flows();
  return run_intervals(a.duration, lost, [&](double t, double dt) {
    const auto now = flows();
    if (!a.quiet) {
      if (a.json) {
        nlohmann::json dirs = nlohmann::json::array();
        for (std::size_t k = 0; k < now.size(); ++k) dirs.push_back(flow_json(now[k], &last[k], dt));
        std::cout << nlohmann::json{{"type", "interval"}, {"t", t}, {"directions", dirs}}.dump() << std::endl;
      } else {
        std::string line = fmt::format("t={:5.1f}s", t);
        for (std::size_t k = 0; k < now.size(); ++k)
          line += fmt::format("{}  {} -> {}  in {}  out {}  dropped {}", k ? "  |" : "", now[k].from, now[k].to,
                              rate(static_cast<double>(now[k].in - last[k].in) / dt),
                              rate(static_cast<double>(now[k].out - last[k].out) / dt),
                              rate(static_cast<double>(now[k].dropped - last[k].dropped) / dt));
        std::cout << line << std::endl;
      }
    }
    last = now;
  });
}

// The summary of either path; the keys of `extra` join its JSON (the AF_XDP path's frame accounting).
void print_summary(const forward_args& a, const char* path, const char* path_name, double seconds,
                   const std::vector<flow>& flows, const nlohmann::json& extra) {
  if (a.json) {
    nlohmann::json dirs = nlohmann::json::array();
    for (const auto& d : flows) dirs.push_back(flow_json(d, nullptr, 0));
    nlohmann::json j{{"type", "summary"}, {"path", path}, {"seconds", seconds}, {"directions", dirs}};
    for (const auto& [key, value] : extra.items()) j[key] = value;
    std::cout << j.dump() << std::endl;
    return;
  }
  std::cout << fmt::format("summary ({:.1f} s, {}):\n", seconds, path_name);
  for (const auto& d : flows)
    std::cout << fmt::format("  {} -> {}  in {} ({} bytes)  out {}  dropped {}\n", d.from, d.to, d.in, d.in_bytes, d.out,
                             d.dropped);
}

// An interface that went away ends either path with an error (exit 1).
int exit_code_of(const forward_args& a, const loop_end& end, int otherwise) {
  if (!end.lost) return otherwise;
  if (a.json) std::cout << nlohmann::json{{"type", "error"}, {"error", *end.lost}}.dump() << std::endl;
  std::cerr << "xdpkit forward: stopped after " << fmt::format("{:.1f}", end.seconds) << " s: " << *end.lost << "\n";
  return 1;
}

int forward_afxdp(const forward_args& a) {
  fw::afxdp_forwarder_config c;
  c.a = a.a;
  c.b = a.b;
  c.queues = a.queues;
  c.cpus = a.cpus;
  c.steer.mode = a.xdp_mode == "native"    ? xdp_mode_request::native
                 : a.xdp_mode == "generic" ? xdp_mode_request::generic
                                           : xdp_mode_request::automatic;
  c.umem.frame_count = a.frames;
  c.umem.pages = a.pages == "huge"     ? page_policy::huge_required
                 : a.pages == "normal" ? page_policy::normal
                                       : page_policy::huge_preferred;
  c.wait = a.wait == "poll" ? wait_mode::poll : wait_mode::busy;
  const unsigned ia = if_nametoindex(a.a.c_str()), ib = if_nametoindex(a.b.c_str());
  fw::afxdp_forwarder f = fw::afxdp_forwarder::start(c);
  if (a.json) {
    std::cout << nlohmann::json{{"type", "start"},       {"path", "afxdp"},     {"a", a.a}, {"b", a.b},
                                {"queues", a.queues},    {"cpus", a.cpus},      {"zero_copy", f.zero_copy()},
                                {"frames_per_queue", a.frames}}
                     .dump()
              << std::endl;
  } else {
    std::cout << fmt::format("forward on the AF_XDP path: {} <-> {}, queue(s) {}, one UMEM of {} frames per queue "
                             "shared by both sockets, AF_XDP {}",
                             a.a, a.b, fmt::join(a.queues, ","), a.frames, f.zero_copy() ? "zero-copy" : "copy")
              << std::endl;
  }
  const auto lost = [&]() -> std::optional<std::string> {
    for (const auto& [name, index] : {std::pair{a.a, ia}, std::pair{a.b, ib}})
      if (if_nametoindex(name.c_str()) != index)
        return name + " is gone from this network namespace (deleted or moved): its socket can no longer forward";
    return std::nullopt;
  };
  const loop_end end = report_flows(a, lost, [&] { return afxdp_flows(f); });
  f.stop();
  const auto flows = afxdp_flows(f);
  nlohmann::json accounting = nlohmann::json::array();
  bool whole = true;
  for (const auto& p : f.stats()) {
    whole = whole && p.frames_accounted && *p.frames_accounted == p.frames && p.accounting_error.empty();
    accounting.push_back({{"queue", p.queue},
                          {"frames", p.frames},
                          {"accounted", p.frames_accounted ? nlohmann::json(*p.frames_accounted) : nlohmann::json()},
                          {"error", p.accounting_error}});
  }
  print_summary(a, "afxdp", "AF_XDP path", end.seconds, flows, {{"frame_accounting", accounting}});
  if (!a.json) {
    for (const auto& q : accounting)
      std::cout << fmt::format("  queue {}: {} of {} frames accounted for{}\n", q["queue"].get<unsigned>(),
                               q["accounted"].is_null() ? 0u : q["accounted"].get<unsigned>(), q["frames"].get<unsigned>(),
                               q["error"].get<std::string>().empty() ? "" : ": " + q["error"].get<std::string>());
  }
  if (!whole) std::cerr << "xdpkit forward: the frame accounting is not whole (a bug: please report it)\n";
  return exit_code_of(a, end, whole ? 0 : 3);
}

int forward(const forward_args& a) {
  if (a.path == "afxdp") return forward_afxdp(a);
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

  const loop_end end = report_flows(a, [&] { return f.interface_lost(); }, [&] { return xdp_flows(f); });
  print_summary(a, "xdp", "XDP path", end.seconds, xdp_flows(f), nlohmann::json::object());
  return exit_code_of(a, end, 0);
}

}  // namespace

void add_forward_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<forward_args>();
  CLI::App* cmd = app.add_subcommand(
      "forward",
      "Send every frame that arrives on IF_A out of IF_B and every frame of IF_B out of IF_A, unchanged. The XDP\n"
      "path (a devmap redirect per direction; XDP_TX when IF_A is IF_B) is the cheapest: no packet reaches\n"
      "userspace, and auto takes it. The AF_XDP path (--path afxdp) binds a socket per queue on each interface\n"
      "on one shared UMEM and forwards in a pinned worker, the frames never copied in userspace. A line per\n"
      "second per direction (in, out, dropped) and a summary (with the AF_XDP path's frame accounting); Ctrl-C\n"
      "stops and detaches. Example, in a lab namespace: ip netns exec NS xdpkit forward veth1 veth2 --duration 10\n"
      "On veth the far ends need an XDP program (or GRO) to receive redirected frames; 'out' counts what the\n"
      "program handed to the egress device.");
  cmd->add_option("IF_A", a->a, "First interface (in the current network namespace)")->required();
  cmd->add_option("IF_B", a->b, "Second interface (may be IF_A: frames go back out where they came in)")->required();
  cmd->add_option("--path", a->path,
                  "auto: the cheapest path that does the job (XDP: no handler runs on the packets); xdp: the XDP "
                  "path; afxdp: through AF_XDP sockets sharing one UMEM per queue pair")
      ->check(CLI::IsMember({"auto", "xdp", "afxdp"}))
      ->capture_default_str();
  cmd->add_option("--xdp-mode", a->xdp_mode, "auto: native XDP, generic only if the driver refuses; native; generic")
      ->check(CLI::IsMember({"auto", "native", "generic"}))
      ->capture_default_str();
  cmd->add_option("--queue,-q", a->queues, "AF_XDP path: the queue(s) to bind on both interfaces, a worker per pair")
      ->capture_default_str();
  cmd->add_option("--cpu", a->cpus, "AF_XDP path: the CPU per worker, in --queue order (default: unpinned)")
      ->check(CLI::Range(0, 4095));
  cmd->add_option("--wait", a->wait, "AF_XDP path: busy (spin) or poll (sleep when both rings are idle)")
      ->check(CLI::IsMember({"busy", "poll"}))
      ->capture_default_str();
  cmd->add_option("--pages", a->pages, "AF_XDP path: UMEM memory: huge, huge-or-normal, normal")
      ->check(CLI::IsMember({"huge", "huge-or-normal", "normal"}))
      ->capture_default_str();
  cmd->add_option("--frames", a->frames, "AF_XDP path: UMEM frames (4 KiB each) per queue pair, a power of two")
      ->check(CLI::Range(64u, 1u << 20))
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
