// SPDX-License-Identifier: Apache-2.0
// xdpkit forward A B: frames from A out of B and from B out of A. The XDP
// path (the cheapest, what auto picks: no packet reaches userspace) or the
// AF_XDP path (one UMEM shared by a socket on each interface, a worker per
// queue pair); a line per second per direction and a summary.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "commands.hpp"
#include "engine_options.hpp"
#include "interval_loop.hpp"
#include "queue_words.hpp"
#include "signals.hpp"
#include "stats_report.hpp"
#include "xdpkit/ethtool/stats.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/forward/afxdp_forwarder.hpp"
#include "xdpkit/forward/xdp_forwarder.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/userspace/capture.hpp"
#include "xdpkit/userspace/handlers.hpp"
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
  std::vector<std::string> queue_words{"0"};  // numbers, lists, or "all"
  std::vector<int> cpus;
  std::string handler = "io";
  std::string capture_file;
  std::uint64_t capture_count = 0;
  std::uint32_t snaplen = 65535;
  std::string wait = "busy";
  std::string pages = "huge-or-normal";
  std::string bind = "copy";
  std::uint32_t frames = 4096;
  std::uint32_t batch = 64;
  bool multi_buffer = false;
  // The mixed path: the firewall's rules choose per frame.
  std::string rules_file;
  std::vector<std::string> inline_rules;
  std::vector<std::string> ports;
  std::string no_socket = "pass";
  bool has_rules() const { return !rules_file.empty() || !inline_rules.empty(); }
};

// The AF_XDP path's handlers by name: testpmd's io and macswap, a drop, a capture point.
template <typename H>
fw::pair_loop maybe_recorded(H h, const std::shared_ptr<pcap_writer>& capture) {
  if (capture) return fw::forward_handler(recording<H>{h, capture});
  return fw::forward_handler(h);
}

fw::pair_loop pair_loop_named(const std::string& name, const std::shared_ptr<pcap_writer>& capture) {
  if (name == "io") return maybe_recorded(io_handler{}, capture);
  if (name == "macswap") return maybe_recorded(macswap_handler{}, capture);
  if (name == "rxdrop") return maybe_recorded(rxdrop_handler{}, capture);
  if (name == "capture") {
    if (!capture) throw std::invalid_argument("--handler capture writes to --capture FILE: give one");
    return fw::forward_handler(capture_handler{capture});
  }
  throw std::invalid_argument("--handler " + name + ": not one of io, macswap, rxdrop, capture");
}

// The queue pairs: the same number on both interfaces. "all" is every queue
// both have; a queue only one has is named, since nothing forwards from it.
std::vector<std::uint32_t> pair_queues(const forward_args& a, const topology::host_snapshot& host,
                                       std::vector<std::string>& notes) {
  const topology::nic_info* na = host.find_nic(a.a);
  const topology::nic_info* nb = host.find_nic(a.b);
  std::vector<std::uint32_t> qa = resolve_queues(a.queue_words, na, a.a);
  if (std::find(a.queue_words.begin(), a.queue_words.end(), "all") == a.queue_words.end()) return qa;
  const std::vector<std::uint32_t> qb = resolve_queues(a.queue_words, nb, a.b);
  if (qa.size() == qb.size()) return qa;
  const bool a_more = qa.size() > qb.size();
  const std::size_t both = std::min(qa.size(), qb.size());
  const auto span = [](std::size_t lo, std::size_t hi) {
    return lo == hi ? fmt::format("queue {}", lo) : fmt::format("queues {}-{}", lo, hi);
  };
  notes.push_back(fmt::format("{} has {} rx queues and {} has {}: forwarding {}; what {} receives on {} has no socket "
                              "and goes to its kernel stack",
                              a.a, na ? na->rx_queues : 0, a.b, nb ? nb->rx_queues : 0, span(0, both - 1),
                              a_more ? a.a : a.b, span(both, std::max(qa.size(), qb.size()) - 1)));
  qa.resize(both);
  return qa;
}

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
  // The AF_XDP path's handler: of `dropped`, what its verdicts dropped; and
  // what it (or a tx rule) sent back out of the port it came in on (counted
  // in the other flow's out).
  std::uint64_t handler_dropped = 0, returned = 0;
  // The mixed path: what the rules sent to the handler's socket, and to the
  // kernel stack. `out` is then what XDP sent across plus what the handler did.
  bool rules = false;
  std::uint64_t to_handler = 0, passed = 0;
};

nlohmann::json flow_json(const flow& now, const flow* before, double seconds) {
  nlohmann::json j{{"from", now.from}, {"to", now.to}, {"in", now.in}, {"out", now.out}, {"dropped", now.dropped},
                   {"handler_dropped", now.handler_dropped}, {"returned", now.returned}};
  if (now.rules) {  // the firewall counts frames, not bytes: the bytes are the handler's
    j["to_handler"] = now.to_handler;
    j["to_handler_bytes"] = now.in_bytes;
    j["passed"] = now.passed;
  } else {
    j["in_bytes"] = now.in_bytes;
  }
  if (before && seconds > 0) {
    j["in_pps"] = static_cast<double>(now.in - before->in) / seconds;
    j["out_pps"] = static_cast<double>(now.out - before->out) / seconds;
    j["dropped_pps"] = static_cast<double>(now.dropped - before->dropped) / seconds;
  }
  return j;
}

// Both directions summed over the queue pairs. Dropped: the handler's drop
// verdicts, no room on the tx ring a verdict chose, or the kernel's drops on
// the receiving socket (its rx ring full, no fill frame).
// With rules, the firewall's counters add what never reached a socket: `in`
// is every frame its program saw (in_bytes still the socket's only),
// redirect-dev out of a port, drops, tx back, passes to the stack.
void add_firewall(flow& d, const xdpkit_fw_stats& f) {
  d.rules = true;
  d.in = f.rx;
  d.to_handler = f.action[XDPKIT_FW_REDIRECT_XSK] - f.reason[XDPKIT_FW_R_NO_SOCKET];
  d.out += f.action[XDPKIT_FW_REDIRECT_DEV] - f.reason[XDPKIT_FW_R_REDIRECT_FAILED];
  d.dropped += f.verdict[XDPKIT_FW_V_DROP] + f.verdict[XDPKIT_FW_V_ABORTED];
  d.returned += f.verdict[XDPKIT_FW_V_TX];
  d.passed = f.verdict[XDPKIT_FW_V_PASS];
}

std::vector<flow> afxdp_flows(const fw::afxdp_forwarder& f) {
  flow ab{f.config().a, f.config().b}, ba{f.config().b, f.config().a};
  for (const auto& p : f.stats()) {
    ab.in += p.a_to_b.rx_packets;
    ab.in_bytes += p.a_to_b.rx_bytes;
    ab.out += p.a_to_b.tx_packets;
    ab.dropped += p.a_to_b.tx_ring_full + p.a_to_b.dropped + p.a.rx_dropped + p.a.rx_ring_full;
    ab.handler_dropped += p.a_to_b.dropped;
    ab.returned += p.a_to_b.returned;
    ba.in += p.b_to_a.rx_packets;
    ba.in_bytes += p.b_to_a.rx_bytes;
    ba.out += p.b_to_a.tx_packets;
    ba.dropped += p.b_to_a.tx_ring_full + p.b_to_a.dropped + p.b.rx_dropped + p.b.rx_ring_full;
    ba.handler_dropped += p.b_to_a.dropped;
    ba.returned += p.b_to_a.returned;
  }
  if (const auto fa = f.firewall_counters(true)) add_firewall(ab, *fa);
  if (const auto fb = f.firewall_counters(false)) add_firewall(ba, *fb);
  return {ab, ba};
}

std::vector<flow> xdp_flows(const fw::xdp_forwarder& f) {
  std::vector<flow> out;
  for (const auto& d : f.stats())
    out.push_back({d.from, d.to, d.counters.rx_packets, d.counters.rx_bytes, d.counters.forwarded, 0});
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
        for (std::size_t k = 0; k < now.size(); ++k) {
          line += fmt::format("{}  {} -> {}  in {}  out {}  dropped {}", k ? "  |" : "", now[k].from, now[k].to,
                              rate(static_cast<double>(now[k].in - last[k].in) / dt),
                              rate(static_cast<double>(now[k].out - last[k].out) / dt),
                              rate(static_cast<double>(now[k].dropped - last[k].dropped) / dt));
          if (now[k].rules)
            line += fmt::format("  to handler {}", rate(static_cast<double>(now[k].to_handler - last[k].to_handler) / dt));
        }
        std::cout << line << std::endl;
      }
    }
    last = now;
  });
}

// One `ethtool -S` counter of `ifname` by name; nullopt where the driver has
// none by that name, keeps no statistics, or the interface is not there.
std::optional<std::uint64_t> driver_stat(ethtool::transport& io, const std::string& ifname, std::string_view name) {
  try {
    const auto stats = ethtool::get_stats(ethtool::device(io, ifname));
    if (!stats.ok()) return std::nullopt;
    for (const auto& [n, value] : stats.value())
      if (n == name) return value;
  } catch (const std::system_error&) {
    // No such interface (the start names it) or gone: nothing to report.
  }
  return std::nullopt;
}

// What an egress driver counts of the XDP frames it was handed and could not
// send: "out" is what the programs handed over, and a driver may still drop
// (virtio_net with zero-copy sockets on its queues drops many: its
// tx_xdp_tx_drops). Only counters whose meaning is known are read, the
// device totals, not the per-queue copies: virtio_net's tx_xdp_tx_drops.
// Another driver's is not guessed at.
class egress_drops {
 public:
  explicit egress_drops(std::vector<std::string> ifnames) : io_(ethtool::make_kernel_transport()) {
    for (auto& i : ifnames)
      if (auto c = read(i)) start_[i] = *c;
  }
  // {counter name, frames dropped since construction}, where the driver has such a counter.
  std::optional<std::pair<std::string, std::uint64_t>> since_start(const std::string& ifname) const {
    const auto it = start_.find(ifname);
    if (it == start_.end()) return std::nullopt;
    const auto now = read(ifname);
    if (!now || now->first != it->second.first) return std::nullopt;
    return std::pair{now->first, now->second - it->second.second};
  }

 private:
  static constexpr const char* kCounter = "tx_xdp_tx_drops";  // virtio_net's device total
  std::optional<std::pair<std::string, std::uint64_t>> read(const std::string& ifname) const {
    if (const auto v = driver_stat(*io_, ifname, kCounter)) return std::pair{std::string(kCounter), *v};
    return std::nullopt;
  }
  std::unique_ptr<ethtool::transport> io_;
  std::map<std::string, std::pair<std::string, std::uint64_t>> start_;
};

// The summary of either path; the keys of `extra` join its JSON (the AF_XDP path's frame accounting).
void print_summary(const forward_args& a, const char* path, const char* path_name, double seconds,
                   const std::vector<flow>& flows, const nlohmann::json& extra, const egress_drops& drops) {
  if (a.json) {
    nlohmann::json dirs = nlohmann::json::array();
    for (const auto& d : flows) {
      dirs.push_back(flow_json(d, nullptr, 0));
      if (const auto e = drops.since_start(d.to))
        dirs.back()["egress_driver_drops"] = {{"counter", e->first}, {"frames", e->second}};
    }
    nlohmann::json j{{"type", "summary"}, {"path", path}, {"seconds", seconds}, {"directions", dirs}};
    for (const auto& [key, value] : extra.items()) j[key] = value;
    std::cout << j.dump() << std::endl;
    return;
  }
  std::cout << fmt::format("summary ({:.1f} s, {}):\n", seconds, path_name);
  for (const auto& d : flows) {
    if (d.rules)
      std::cout << fmt::format("  {} -> {}  in {}  out {}  dropped {}  (to the handler {} ({} bytes), back out {}, to the "
                               "stack {})",
                               d.from, d.to, d.in, d.out, d.dropped, d.to_handler, d.in_bytes, d.returned, d.passed);
    else
      std::cout << fmt::format("  {} -> {}  in {} ({} bytes)  out {}  dropped {}", d.from, d.to, d.in, d.in_bytes, d.out,
                               d.dropped);
    std::cout << "\n";
  }
  for (const auto& d : flows)
    if (const auto e = drops.since_start(d.to); e && e->second)
      std::cout << fmt::format("  note: {}'s driver dropped {} XDP frames it was handed (ethtool -S {}: {}); 'out' "
                               "counts what was handed to it\n",
                               d.to, e->second, d.to, e->first);
}

// An interface that went away ends either path with an error (exit 1).
int exit_code_of(const forward_args& a, const loop_end& end, int otherwise) {
  if (!end.lost) return otherwise;
  if (a.json) std::cout << nlohmann::json{{"type", "error"}, {"error", *end.lost}}.dump() << std::endl;
  std::cerr << "xdpkit forward: stopped after " << fmt::format("{:.1f}", end.seconds) << " s: " << *end.lost << "\n";
  return 1;
}

int forward_afxdp(const forward_args& a) {
  // The host as `xdpkit topology` reads it: the queue pairs' workers go where
  // its planner puts them (on A's NIC node), and the UMEMs on that node.
  const topology::host_snapshot host = topology::read_host(topology::host_root("/"));
  std::vector<std::string> notes;
  fw::afxdp_forwarder_config c;
  c.a = a.a;
  c.b = a.b;
  if (a.has_rules()) c.rules = fw::forward_rules{load_rules(a.rules_file, a.inline_rules), parse_ports(a.ports)};
  // --path xdp with rules only promises that no frame reaches userspace.
  if (c.rules && a.path == "xdp" && fw::sends_to_sockets(c.rules->rules))
    throw std::invalid_argument("--path xdp: these rules send frames to redirect-xsk, which is userspace; use "
                                "--path auto (the mixed path) or drop those rules");
  // With rules that send nothing to a socket, nothing needs one: every frame stays in XDP.
  const bool sockets = !c.rules || fw::sends_to_sockets(c.rules->rules) || a.path == "afxdp";
  if (c.rules && !fw::sends_to_sockets(c.rules->rules)) {
    if (a.handler != "io" || !a.capture_file.empty())
      throw std::invalid_argument("--handler " + a.handler + (a.capture_file.empty() ? "" : " and --capture") +
                                  " see only what a redirect-xsk rule sends to the sockets, and no rule, default or "
                                  "non-ip line of these rules does");
    if (sockets) notes.push_back("no rule sends to redirect-xsk: the sockets bound for --path afxdp receive nothing");
  }
  c.queues = sockets ? pair_queues(a, host, notes) : std::vector<std::uint32_t>{};
  c.cpus = a.cpus;
  if (!sockets && !c.cpus.empty())
    throw std::invalid_argument("--cpu: no worker runs, since no rule sends to redirect-xsk (every frame stays in XDP)");
  if (!c.cpus.empty() && c.cpus.size() != c.queues.size())
    throw std::invalid_argument(fmt::format("{} --cpu for {} queue pair(s): give one per queue, in queue order, or "
                                            "none (the planner's)",
                                            c.cpus.size(), c.queues.size()));
  std::optional<topology::cpu_plan> plan;
  if (c.cpus.empty() && sockets) {
    plan = topology::plan_for_interface(host, a.a, static_cast<unsigned>(c.queues.size()));
    for (unsigned cpu : plan->workers) c.cpus.push_back(static_cast<int>(cpu));
    if (!a.json)
      for (const auto& n : plan->explanation) std::cout << "  cpu plan: " << n << "\n" << std::flush;
    if (!plan->complete)
      throw std::invalid_argument(fmt::format("not enough CPUs for {} workers; give them with --cpu", c.queues.size()));
  }
  if (const topology::nic_info* nic = host.find_nic(a.a)) c.umem.numa_node = nic->numa_node();
  c.steer.mode = a.xdp_mode == "native"    ? xdp_mode_request::native
                 : a.xdp_mode == "generic" ? xdp_mode_request::generic
                                           : xdp_mode_request::automatic;
  c.umem.frame_count = a.frames;
  c.umem.pages = a.pages == "huge"     ? page_policy::huge_required
                 : a.pages == "normal" ? page_policy::normal
                                       : page_policy::huge_preferred;
  c.xsk.mode = a.bind == "zero-copy" ? bind_mode::zero_copy : a.bind == "auto" ? bind_mode::automatic : bind_mode::copy;
  c.wait = a.wait == "poll" ? wait_mode::poll : wait_mode::busy;
  c.batch = a.batch;
  c.xsk.multi_buffer = a.multi_buffer;
  c.steer.multi_buffer = a.multi_buffer;
  c.steer.no_socket = a.no_socket == "drop" ? no_socket_policy::drop : no_socket_policy::pass;
  std::shared_ptr<pcap_writer> capture;
  if (!a.capture_file.empty()) capture = pcap_writer::create(a.capture_file, a.snaplen, a.capture_count);
  c.loop = pair_loop_named(a.handler, capture);
  c.handler_name = a.handler + (capture && a.handler != "capture" ? " (captured)" : "");
  const unsigned ia = if_nametoindex(a.a.c_str()), ib = if_nametoindex(a.b.c_str());
  const egress_drops drops({a.a, a.b});  // before the start: frames may cross from the rules' first moment
  fw::afxdp_forwarder f = fw::afxdp_forwarder::start(c);
  notes.insert(notes.end(), f.notes().begin(), f.notes().end());
  // With rules: "mixed" (XDP across, the handler for what redirect-xsk sends), or "xdp" (no socket).
  const char* path = !c.rules ? "afxdp" : sockets ? "mixed" : "xdp";
  if (a.json) {
    nlohmann::json j{{"type", "start"},        {"path", path},              {"a", a.a},
                     {"b", a.b},               {"queues", c.queues},        {"cpus", c.cpus},
                     {"handler", c.handler_name}, {"zero_copy", f.zero_copy()}, {"frames_per_queue", a.frames},
                     {"multi_buffer", a.multi_buffer},
                     {"notes", notes}};
    if (plan) j["cpu_plan"] = topology::plan_json(*plan);
    j["program"] = c.rules ? "firewall" : "steer";
    if (c.rules)
      j["rules"] = {{"count", c.rules->rules.rules.size()},
                    {"default", firewall::action_text(c.rules->rules.default_action, c.rules->rules.default_slot)},
                    {"non_ip", firewall::action_text(c.rules->rules.not_ip_action, c.rules->rules.not_ip_slot)}};
    if (capture) j["capture"] = {{"file", capture->file().string()}, {"snaplen", capture->snaplen()}, {"limit", capture->limit()}};
    std::cout << j.dump() << std::endl;
  } else {
    if (c.rules)
      std::cout << fmt::format("forward by {} firewall rule(s) on {} and {} (default {}, non-IP {}): redirect-dev peer "
                               "crosses in XDP{}",
                               c.rules->rules.rules.size(), a.a, a.b,
                               firewall::action_text(c.rules->rules.default_action, c.rules->rules.default_slot),
                               firewall::action_text(c.rules->rules.not_ip_action, c.rules->rules.not_ip_slot),
                               sockets ? ", redirect-xsk goes to the handler below" : "; no socket, no worker")
                << std::endl;
    if (sockets)
      std::cout << fmt::format("{}AF_XDP path: {} <-> {}, queue(s) {} on CPU(s) {}, handler {}, one UMEM "
                               "of {} frames per queue shared by both sockets, AF_XDP {}",
                               c.rules ? "  " : "forward on the ", a.a, a.b, fmt::join(c.queues, ","),
                               fmt::join(c.cpus, ","), c.handler_name, a.frames, f.zero_copy() ? "zero-copy" : "copy")
                << std::endl;
    for (const auto& n : notes) std::cout << "  note: " << n << std::endl;
    if (capture) std::cout << "  capturing what the handler sees to " << capture->file().string() << std::endl;
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
                          {"in_kernel", p.frames_in_kernel},
                          {"error", p.accounting_error}});
  }
  // Per queue pair, for a test or a user to hold against the driver's per-queue counters.
  nlohmann::json per_queue = nlohmann::json::array();
  const auto dir_json = [](const fw::afxdp_direction_counters& d, const xdp_statistics& k) {
    return nlohmann::json{{"rx_packets", d.rx_packets}, {"rx_bytes", d.rx_bytes},         {"tx_packets", d.tx_packets},
                          {"tx_ring_full", d.tx_ring_full}, {"dropped", d.dropped},       {"returned", d.returned},
                          {"kernel_rx_dropped", k.rx_dropped}, {"kernel_rx_ring_full", k.rx_ring_full}};
  };
  for (const auto& p : f.stats())
    per_queue.push_back({{"queue", p.queue}, {"cpu", p.cpu}, {"a_to_b", dir_json(p.a_to_b, p.a)},
                         {"b_to_a", dir_json(p.b_to_a, p.b)}});
  nlohmann::json extra{{"frame_accounting", accounting}, {"handler", c.handler_name}, {"queues", per_queue},
                       {"zero_copy", f.zero_copy()}};
  if (c.rules)
    extra["firewall"] = {{a.a, firewall_stats_json(*f.firewall_counters(true))},
                         {a.b, firewall_stats_json(*f.firewall_counters(false))}};
  if (capture) {
    capture->flush();
    extra["capture"] = {{"file", capture->file().string()}, {"written", capture->written()},
                        {"write_errors", capture->write_errors()}};
  }
  print_summary(a, path, !c.rules ? "AF_XDP path" : sockets ? "mixed path: rules, XDP and AF_XDP" : "XDP path, by rules",
                end.seconds, flows, extra, drops);
  if (!a.json) {
    for (const auto& q : accounting)
      std::cout << fmt::format("  queue {}: {} of {} frames accounted for{}{}\n", q["queue"].get<unsigned>(),
                               q["accounted"].is_null() ? 0u : q["accounted"].get<unsigned>(), q["frames"].get<unsigned>(),
                               q["in_kernel"].get<unsigned>()
                                   ? fmt::format(" ({} held by the kernel: a zero-copy driver's rx ring)",
                                                 q["in_kernel"].get<unsigned>())
                                   : "",
                               q["error"].get<std::string>().empty() ? "" : ": " + q["error"].get<std::string>());
    if (capture)
      std::cout << fmt::format("  capture: {} packets written to {}{}\n", capture->written(), capture->file().string(),
                               capture->write_errors() ? fmt::format(" ({} write errors)", capture->write_errors()) : "");
  }
  if (!whole) std::cerr << "xdpkit forward: the frame accounting is not whole (a bug: please report it)\n";
  return exit_code_of(a, end, whole ? 0 : 3);
}

// A and B the two ends of one veth pair: what leaves B arrives on A and is
// forwarded again, for ever, at full rate (seen: 6 Mpps from one IPv6 router
// solicitation). Refused before anything is attached.
void refuse_a_veth_loop(const forward_args& a) {
  if (a.a == a.b) return;
  const unsigned ia = if_nametoindex(a.a.c_str()), ib = if_nametoindex(a.b.c_str());
  if (!ia || !ib) return;  // the attach names the missing one
  auto io = ethtool::make_kernel_transport();
  // veth says its peer's ifindex as the counter peer_ifindex
  if (driver_stat(*io, a.a, "peer_ifindex") == ib && driver_stat(*io, a.b, "peer_ifindex") == ia)
    throw std::invalid_argument(a.a + " and " + a.b + " are the two ends of one veth pair: every frame forwarded out "
                                "of one comes straight back in on the other and is forwarded again, for ever. "
                                "Forward between ends of two pairs (the lab's left and right veths)");
}

int forward(const forward_args& a) {
  refuse_a_veth_loop(a);
  // `auto` picks the cheapest path that does what was asked: with no handler
  // to run on the packets, that is XDP.
  const bool needs_userspace = a.handler != "io" || !a.capture_file.empty();
  if (a.has_rules()) return forward_afxdp(a);  // the rules choose the path per frame
  if (!a.ports.empty())
    throw std::invalid_argument("--port " + a.ports.front() + ": ports are where redirect-dev rules send frames, and "
                                "no rules were given (--rules FILE or --rule)");
  if (a.path == "afxdp" || (a.path == "auto" && needs_userspace)) return forward_afxdp(a);
  if (needs_userspace)
    throw std::invalid_argument("--path xdp runs no handler and captures nothing: no packet reaches userspace there; "
                                "--handler " + a.handler + (a.capture_file.empty() ? "" : " and --capture") +
                                " need --path afxdp (or auto)");
  fw::xdp_forwarder_config config;
  config.a = a.a;
  config.b = a.b;
  config.mode = a.xdp_mode == "native"    ? xdp_mode_request::native
                : a.xdp_mode == "generic" ? xdp_mode_request::generic
                                          : xdp_mode_request::automatic;
  config.multi_buffer = a.multi_buffer;
  const egress_drops drops({a.a, a.b});
  fw::xdp_forwarder f = fw::xdp_forwarder::start(config);
  std::cout << (a.json ? start_json(f).dump() : start_text(f)) << std::endl;

  const loop_end end = report_flows(a, [&] { return f.interface_lost(); }, [&] { return xdp_flows(f); });
  f.stop();  // detached first: the counts below are then final
  print_summary(a, "xdp", "XDP path", end.seconds, xdp_flows(f), nlohmann::json::object(), drops);
  return exit_code_of(a, end, 0);
}

}  // namespace

void add_forward_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<forward_args>();
  CLI::App* cmd = app.add_subcommand(
      "forward",
      "Send every frame that arrives on IF_A out of IF_B and every frame of IF_B out of IF_A. The XDP path (a\n"
      "devmap redirect per direction; XDP_TX when IF_A is IF_B) is the cheapest: no packet reaches userspace, and\n"
      "auto takes it unless a handler or a capture needs the packets. The AF_XDP path (--path afxdp) binds a\n"
      "socket per queue on each interface on one shared UMEM and runs a handler in a pinned worker per queue pair\n"
      "(io by default: unchanged), the frames never copied in userspace. With --rules (or --rule) the firewall\n"
      "decides per frame on both interfaces, the mixed path: redirect-dev peer crosses in XDP, redirect-xsk goes\n"
      "to the handler, drop/pass/tx as anywhere. A line per second per direction (in,\n"
      "out, dropped) and a summary (with the AF_XDP path's frame accounting); Ctrl-C stops and detaches.\n"
      "Examples, in a lab namespace:\n"
      "  ip netns exec NS xdpkit forward veth1 veth2 --duration 10\n"
      "  ip netns exec NS xdpkit forward veth1 veth2 --handler macswap --queue all --capture /tmp/fw.pcap\n"
      "  ip netns exec NS xdpkit forward veth1 veth2 --rule 'redirect-xsk proto tcp dport 80' \\\n"
      "      --rule 'drop proto udp dport 53' --rule 'default redirect-dev peer' --rule 'non-ip redirect-dev peer'\n"
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
  cmd->add_option("--handler", a->handler,
                  "AF_XDP path: what the worker does with each frame. io: out of the other interface unchanged "
                  "(testpmd's io); macswap: swap the MACs, then the same (testpmd's macswap); rxdrop: drop (the "
                  "receive cost alone); capture: write it to --capture FILE and drop it. Any but io makes auto take "
                  "the AF_XDP path. A handler of your own: the library's forward_handler(h) (README)")
      ->check(CLI::IsMember({"io", "macswap", "rxdrop", "capture"}))
      ->capture_default_str();
  add_capture_options(*cmd, a->capture_file, a->capture_count, a->snaplen,
                      "AF_XDP path: write what the handler sees to this pcap file (tcpdump -r reads it), both "
                      "directions in one file, before the handler may rewrite a frame");
  cmd->add_option("--queue,-q", a->queue_words,
                  "AF_XDP path: the queue(s) to bind on both interfaces, a worker per pair: numbers, lists (0-3), or "
                  "all (every rx queue both interfaces have)")
      ->capture_default_str();
  cmd->add_option("--cpu", a->cpus,
                  "AF_XDP path: the CPU per worker, in --queue order (default: planned from the topology, on IF_A's "
                  "NIC node, as `xdpkit topology` prints)")
      ->check(CLI::Range(0, 4095));
  cmd->add_option("--bind", a->bind, "AF_XDP path: copy, zero-copy (refused where the driver has none), or auto")
      ->check(CLI::IsMember({"copy", "zero-copy", "auto"}))
      ->capture_default_str();
  cmd->add_option("--batch", a->batch, "AF_XDP path: frames taken from an rx ring at a time")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->add_option("--wait", a->wait, "AF_XDP path: busy (spin) or poll (sleep when both rings are idle)")
      ->check(CLI::IsMember({"busy", "poll"}))
      ->capture_default_str();
  cmd->add_option("--pages", a->pages, "AF_XDP path: UMEM memory: huge, huge-or-normal, normal")
      ->check(CLI::IsMember({"huge", "huge-or-normal", "normal"}))
      ->capture_default_str();
  cmd->add_option("--frames", a->frames, "AF_XDP path: UMEM frames (4 KiB each) per queue pair, a power of two")
      ->check(CLI::Range(64u, 1u << 20))
      ->capture_default_str();
  cmd->add_option("--rules", a->rules_file,
                  "Firewall rules (the syntax of `xdpkit rules check --help`) that choose per frame, on both "
                  "interfaces: redirect-dev peer crosses to the other interface in XDP, redirect-xsk goes to the "
                  "handler on the AF_XDP path, drop, pass and tx as anywhere. 'default redirect-dev peer' forwards "
                  "what no rule names. The mixed path: sockets and workers only if some rule sends to redirect-xsk")
      ->check(CLI::ExistingFile);
  cmd->add_option("--rule", a->inline_rules,
                  "A rule given here (repeatable), after those of --rules, e.g. --rule 'redirect-xsk proto tcp dport "
                  "80' --rule 'default redirect-dev peer'");
  cmd->add_option("--port", a->ports,
                  "SLOT=IFNAME: where redirect-dev SLOT sends frames, on both interfaces (slot 63 is peer)");
  cmd->add_option("--no-socket", a->no_socket,
                  "What the XDP program does with a frame of a queue with no socket (not bound, or one only one "
                  "interface has; with --rules, what redirect-xsk sends there): pass (to the kernel stack) or drop")
      ->check(CLI::IsMember({"pass", "drop"}))
      ->capture_default_str();
  cmd->add_flag("--multi-buffer", a->multi_buffer,
                "Frames over one page (MTUs above ~3,500, e.g. 9,000-byte jumbo frames), both paths: the xdp.frags "
                "programs, and on the AF_XDP path sockets with XDP_USE_SG (Linux 6.6+) whose frames the handler gets "
                "as one packet of several buffers");
  cmd->add_option("--duration,-d", a->duration, "Seconds to run; 0 runs until Ctrl-C")->check(finite_seconds(0, 1e9));
  cmd->add_flag("--json", a->json, "One JSON object per line: start, interval (each second), summary");
  cmd->add_flag("--quiet", a->quiet, "No per-second lines, only the start line and the summary");
  cmd->callback([a, &exit_code] {
    install_stop_signals();
    exit_code = forward(*a);
  });
}

}  // namespace xdpkit::cli
