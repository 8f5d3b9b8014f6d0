// SPDX-License-Identifier: Apache-2.0
#include "stats_report.hpp"

#include "xdpkit/firewall/counter_names.hpp"

#include <fmt/format.h>
#include <sched.h>

#include <cerrno>
#include <cstring>
#include <iterator>

namespace xdpkit::cli {

nlohmann::json firewall_stats_json(const xdpkit_fw_stats& f) {
  nlohmann::json r = nlohmann::json::object();
  for (int i = 0; i < XDPKIT_FW_NR_REASONS; ++i) r[std::string(firewall::reason_name(i))] = f.reason[i];
  nlohmann::json chosen = nlohmann::json::object();  // the rules' actions: redirect_dev and redirect_xsk apart
  for (int i = 0; i < XDPKIT_FW_NR_ACTIONS; ++i) chosen[std::string(firewall::action_name(i))] = f.action[i];
  return {{"rx", f.rx},
          {"aborted", f.verdict[XDPKIT_FW_V_ABORTED]},
          {"drop", f.verdict[XDPKIT_FW_V_DROP]},
          {"pass", f.verdict[XDPKIT_FW_V_PASS]},
          {"tx", f.verdict[XDPKIT_FW_V_TX]},
          {"redirect", f.verdict[XDPKIT_FW_V_REDIRECT]},
          {"reasons", r},
          {"actions", chosen}};
}

namespace {
double rate(std::uint64_t a, std::uint64_t b, double s) { return s > 0 ? static_cast<double>(b - a) / s : 0; }

std::string pps(double v) {
  if (v >= 1e6) return fmt::format("{:.2f} Mpps", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.1f} kpps", v / 1e3);
  return fmt::format("{:.0f} pps", v);
}
}  // namespace

nlohmann::json interval_json(const interval& i) {
  const auto a = i.before.total(), b = i.after.total();
  nlohmann::json j{
      {"type", "interval"},
      {"t", i.t},
      {"rx_pps", rate(a.rx_packets, b.rx_packets, i.seconds)},
      {"tx_pps", rate(a.tx_packets, b.tx_packets, i.seconds)},
      {"dropped_pps", rate(a.dropped + a.tx_ring_full, b.dropped + b.tx_ring_full, i.seconds)},
      {"kernel_drops_pps", rate(i.before.kernel_drops(), i.after.kernel_drops(), i.seconds)},
      {"rx_packets", b.rx_packets},
      {"tx_packets", b.tx_packets},
      {"dropped", b.dropped + b.tx_ring_full},
      {"kernel_drops", i.after.kernel_drops()},
  };
  if (i.has_generator) j["sent_pps"] = rate(i.sent_before, i.sent_after, i.seconds);
  return j;
}

std::string interval_line(const interval& i) {
  const auto a = i.before.total(), b = i.after.total();
  std::string s = fmt::format("t={:5.1f}s", i.t);
  if (i.has_generator) s += fmt::format("  sent {:>11}", pps(rate(i.sent_before, i.sent_after, i.seconds)));
  s += fmt::format("  rx {:>11}  forwarded {:>11}  dropped {:>11}  kernel drops {:>11}",
                   pps(rate(a.rx_packets, b.rx_packets, i.seconds)), pps(rate(a.tx_packets, b.tx_packets, i.seconds)),
                   pps(rate(a.dropped + a.tx_ring_full, b.dropped + b.tx_ring_full, i.seconds)),
                   pps(rate(i.before.kernel_drops(), i.after.kernel_drops(), i.seconds)));
  return s;
}

nlohmann::json placement_json(const engine_info& in) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [node, bytes] : in.umem_bytes_per_node) j[std::to_string(node)] = bytes;
  return j;
}

std::string placement_text(const engine_info& in) {
  std::string s;
  for (const auto& [node, bytes] : in.umem_bytes_per_node)
    s += fmt::format("{}node {}: {} MiB", s.empty() ? "" : ", ", node, bytes >> 20);
  return s.empty() ? "unknown" : s;
}

nlohmann::json info_json(const engine& e) {
  const auto& in = e.info();
  const auto& c = e.config();
  return {{"type", "start"},
          {"interface", c.ifname},
          {"program", in.program},
          {"firewall_rules", c.firewall ? c.firewall->rules.size() : 0},
          {"queues", c.queues},
          {"cpus", c.cpus},
          {"handler", c.handler_name.empty() ? std::string(to_string(c.handler)) : c.handler_name},
          {"xdp_mode", std::string(to_string(in.mode))},
          {"xdp_mode_fallback", in.mode_fallback},
          {"attach", std::string(to_string(in.backend))},
          {"attach_note", in.backend_reason},
          {"dispatcher", in.dispatcher},
          {"zero_copy", in.zero_copy},
          {"multi_buffer", c.xsk.multi_buffer},
          {"huge_pages", in.huge_pages},
          {"pages_fallback", in.pages_fallback},
          {"umem_numa_node", c.umem.numa_node},
          {"busy_poll_usec", c.xsk.busy_poll_usec},
          {"busy_poll_budget", c.xsk.busy_poll_budget},
          {"fifo_priority", c.worker.fifo_priority},
          {"umem_bytes_per_node", placement_json(in)},
          {"umem_placement_note", in.umem_placement_note},
          {"rss_note", in.rss_note}};
}

std::string info_line(const engine& e) {
  const auto& in = e.info();
  const auto& c = e.config();
  std::string cpus;
  for (int cpu : c.cpus) cpus += (cpus.empty() ? "" : ",") + std::to_string(cpu);
  std::string s = fmt::format("{} queue(s) {} on {}: handler {}, XDP program {} in {} mode via {}, AF_XDP {}, UMEM on {}, worker CPU {}",
                              c.queues.size(), fmt::join(c.queues, ","), c.ifname,
                              c.handler_name.empty() ? std::string(to_string(c.handler)) : c.handler_name,
                              c.firewall ? fmt::format("firewall ({} rules)", c.firewall->rules.size()) : "steer",
                              to_string(in.mode), to_string(in.backend),
                              in.zero_copy ? "zero-copy" : "copy", in.huge_pages ? "2 MiB huge pages" : "normal pages",
                              cpus.empty() ? "unpinned" : cpus);
  if (c.xsk.busy_poll_usec > 0)
    s += fmt::format("\n  busy polling: {} us, budget {} (the NAPI id each socket sees is in the summary; 0 means "
                     "the driver gives none, as veth)",
                     c.xsk.busy_poll_usec, c.xsk.busy_poll_budget);
  if (c.worker.fifo_priority > 0) s += fmt::format("\n  workers SCHED_FIFO priority {}", c.worker.fifo_priority);
  if (in.backend == attach_backend::bpf_link && !in.backend_reason.empty())
    s += "\n  note: libxdp's multi-program dispatcher is unavailable: " + in.backend_reason +
         ". xdpkit's program is the only XDP program on " + c.ifname +
         " (attached as a BPF link: the kernel removes it if xdpkit dies)";
  if (!in.mode_fallback.empty()) s += "\n  note: " + in.mode_fallback + "; using generic XDP (slower)";
  if (!in.rss_note.empty()) s += "\n  note: " + in.rss_note;
  s += "\n  UMEM pages (from /proc/self/numa_maps): " + placement_text(in) +
       (c.umem.numa_node >= 0 ? fmt::format(", bound to node {}", c.umem.numa_node)
                              : std::string(", not bound (the NIC's node is unknown)"));
  if (!in.umem_placement_note.empty()) s += "\n  note: " + in.umem_placement_note;
  if (!in.pages_fallback.empty()) s += "\n  note: " + in.pages_fallback;
  return s;
}

nlohmann::json summary_json(const engine& e, const engine_stats& s, double seconds) {
  const auto t = s.total();
  nlohmann::json queues = nlohmann::json::array();
  for (const auto& q : s.queues)
    queues.push_back({{"queue", q.queue},
                      {"cpu", q.cpu},
                      {"rx_packets", q.worker.rx_packets},
                      {"rx_bytes", q.worker.rx_bytes},
                      {"tx_packets", q.worker.tx_packets},
                      {"dropped", q.worker.dropped},
                      {"tx_ring_full", q.worker.tx_ring_full},
                      {"rx_wakeups", q.worker.rx_wakeups},
                      {"tx_kicks", q.worker.tx_kicks},
                      {"polls", q.worker.polls},
                      {"kick_retries", q.worker.kick_retries},
                      {"kick_errors", q.worker.kick_errors},
                      {"last_kick_error", q.worker.last_kick_error ? std::strerror(q.worker.last_kick_error) : ""},
                      {"sleeps", q.sleeps},
                      {"cpu_seconds", std::chrono::duration<double>(q.cpu_time).count()},
                      {"napi_id", q.napi_id},
                      {"sched_policy", q.sched_policy == SCHED_FIFO ? "fifo" : q.sched_policy == SCHED_OTHER ? "other" : "rt"},
                      {"kernel",
                       {{"rx_dropped", q.kernel.rx_dropped},
                        {"rx_invalid_descs", q.kernel.rx_invalid_descs},
                        {"tx_invalid_descs", q.kernel.tx_invalid_descs},
                        {"rx_ring_full", q.kernel.rx_ring_full},
                        {"rx_fill_ring_empty_descs", q.kernel.rx_fill_ring_empty_descs},
                        {"tx_ring_empty_descs", q.kernel.tx_ring_empty_descs}}}});
  const auto& p = s.program;
  nlohmann::json fw = nullptr;
  if (s.firewall) fw = firewall_stats_json(*s.firewall);
  return {{"type", "summary"},
          {"firewall", fw},
          {"interface", e.config().ifname},
          {"seconds", seconds},
          {"rx_packets", t.rx_packets},
          {"tx_packets", t.tx_packets},
          {"dropped", t.dropped + t.tx_ring_full},
          {"kernel_drops", s.kernel_drops()},
          {"rx_pps", seconds > 0 ? static_cast<double>(t.rx_packets) / seconds : 0},
          {"xdp",
           {{"rx", p.rx_packets},
            {"redirected", p.redirected},
            {"passed", p.passed},
            {"dropped", p.dropped}}},
          {"queues", queues}};
}

std::string summary_text(const engine& e, const engine_stats& s, double seconds) {
  const auto t = s.total();
  const auto& p = s.program;
  std::string out = fmt::format(
      "summary ({:.1f} s on {}):\n"
      "  XDP program   rx {}  redirected to AF_XDP {}  passed to the stack {}  dropped {}\n"
      "  workers       rx {} ({})  forwarded {}  dropped {}  tx ring full {}\n"
      "  kernel (XDP_STATISTICS)  dropped {}\n",
      seconds, e.config().ifname, p.rx_packets, p.redirected,
      p.passed, p.dropped, t.rx_packets,
      pps(seconds > 0 ? static_cast<double>(t.rx_packets) / seconds : 0), t.tx_packets, t.dropped, t.tx_ring_full,
      s.kernel_drops());
  if (t.kick_errors)
    out += fmt::format("  kicks failed  {} (sendto/recvfrom/poll on the AF_XDP sockets; last: {}){}\n", t.kick_errors,
                       std::strerror(t.last_kick_error),
                       t.last_kick_error == ENETDOWN ? " — is " + e.config().ifname + " up?" : "");
  if (s.firewall) {
    const auto& f = *s.firewall;
    out += fmt::format("  firewall      rx {}: pass {}  drop {}  tx {}  redirect {}  (by reason: rule {}, default {}, "
                       "not IP {}, malformed {}, redirect failed {}, no socket {})\n",
                       f.rx, f.verdict[XDPKIT_FW_V_PASS], f.verdict[XDPKIT_FW_V_DROP], f.verdict[XDPKIT_FW_V_TX], f.verdict[XDPKIT_FW_V_REDIRECT], f.reason[XDPKIT_FW_R_RULE],
                       f.reason[XDPKIT_FW_R_DEFAULT], f.reason[XDPKIT_FW_R_NOT_IP],
                       f.reason[XDPKIT_FW_R_SHORT_ETH] + f.reason[XDPKIT_FW_R_BAD_VLAN] + f.reason[XDPKIT_FW_R_BAD_IPV4] +
                           f.reason[XDPKIT_FW_R_BAD_IPV6] + f.reason[XDPKIT_FW_R_BAD_IPV6_EXT] +
                           f.reason[XDPKIT_FW_R_BAD_L4],
                       f.reason[XDPKIT_FW_R_REDIRECT_FAILED], f.reason[XDPKIT_FW_R_NO_SOCKET]);
  }
  for (const auto& q : s.queues) {
    double cpu_s = std::chrono::duration<double>(q.cpu_time).count();
    const auto per = [&](std::uint64_t n) {
      return n ? fmt::format("{:.0f}", static_cast<double>(q.worker.rx_packets) / static_cast<double>(n)) : "-";
    };
    // How the worker waited: each sleep is a wakeup the receiving CPU pays for.
    std::string waits = fmt::format(", slept {} times ({} packets a sleep)", q.sleeps, per(q.sleeps));
    if (q.worker.polls) waits = fmt::format(", {} polls ({} packets a poll)", q.worker.polls, per(q.worker.polls)) + waits;
    out += fmt::format("  queue {} on CPU {}: rx {}, {:.0f} ns CPU per packet{}; kernel: rx_dropped {} rx_ring_full {} "
                       "fill_ring_empty {} tx_ring_empty {}\n",
                       q.queue, q.cpu, q.worker.rx_packets,
                       q.worker.rx_packets ? cpu_s * 1e9 / static_cast<double>(q.worker.rx_packets) : 0.0, waits,
                       q.kernel.rx_dropped, q.kernel.rx_ring_full, q.kernel.rx_fill_ring_empty_descs,
                       q.kernel.tx_ring_empty_descs);
  }
  return out;
}

}  // namespace xdpkit::cli
