// SPDX-License-Identifier: Apache-2.0
// xdpkit bench: xdpkit's data plane beside its anchors, on one veth lab, with
// one generator, in one run. Reports pps (median of N runs), the sink's CPU
// time per packet, and ratios — never a pass/fail: this machine is shared and
// noisy, and only ratios from the same run mean something.
//
// Placement (2 cores): the generator and the veth receive path (veth runs the
// peer's NAPI in the sender's softirq) on CPU 0, the sink's userspace alone on
// the last CPU. Every sink is counted by the veth's own XDP counters.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <net/if.h>
#include <bpf/libbpf.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include "bench_sink.hpp"
#include "commands.hpp"
#include "generator_report.hpp"
#include "generator_thread.hpp"
#include "signals.hpp"
#include "xdpkit/bpf/bench_drop.skel.h"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/pool_note.hpp"
#include "xdpkit/lab/veth_lab.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/firewall/firewall_program.hpp"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/userspace/skeleton.hpp"
#include "xdpkit/userspace/xdp_attachment.hpp"

namespace xdpkit::cli {

namespace {

struct bench_args {
  double seconds = 5;
  double warmup = 2;
  int runs = 3;
  std::string ref_xsk;
  bool dpdk = true;
  bool json = false;
  std::string log_dir = "/tmp";
  std::vector<int> firewall_rules{0, 10, 1000, 10000};
  std::vector<int> firewall6_rules{10, 10000};
  std::vector<int> xdp_filter_rules{10000};
  std::vector<std::string> only;  // --sinks: these sinks alone (empty: all)
  bool forward = true;  // the forwarders' rows (a third namespace beyond the DUT)
  double rate = 400'000;  // offered load, packets a second; 0 = all the generator can
  std::string generator = "auto";
  lab::generator_kind generator_kind = lab::generator_kind::live;  // resolved from `generator` at start
};

struct sample {
  int run = 0;             // which run of the bench: ratios pair samples of the same run
  double offered_pps = 0;  // what the generator sent
  double pps = 0;          // what the veth's XDP counters saw the sink take
  std::optional<double> cpu_ns_per_packet;  // the sink process's own CPU (user + system)
  std::optional<double> xdp_ns_per_packet;  // the attached XDP program's run_time_ns / run_cnt
};

using drop_skeleton = skeleton<bench_drop, bench_drop__open, bench_drop__destroy>;

// Grows node 0's 2 MiB pool by `pages` for a scope, with a crash note.
struct scoped_pages {
  std::optional<topology::hugepage_reservation> reservation;
  std::optional<lab::pool_note> note;
  explicit scoped_pages(std::uint64_t pages) {
    reservation.emplace(topology::hugepage_reservation::reserve(topology::host_root("/"), 0, 2048, pages));
    note.emplace(lab::pool_note::write(*reservation));
  }
  ~scoped_pages() {
    try {
      if (reservation) reservation->restore();
    } catch (const std::exception& e) {
      std::cerr << "xdpkit bench: " << e.what() << "\n";
    }
  }
};

// A private hugetlbfs for DPDK, unmounted and removed at scope end.
struct scoped_hugetlbfs {
  std::string dir;
  scoped_hugetlbfs() {
    char tmpl[] = "/tmp/xdpkit-hugetlbfs.XXXXXX";
    if (!mkdtemp(tmpl)) throw_os_error(errno, "make hugetlbfs mount point", "/tmp");
    dir = tmpl;
    if (mount("none", dir.c_str(), "hugetlbfs", 0, "pagesize=2M")) {
      int err = errno;
      rmdir(dir.c_str());
      throw_os_error(err, "mount hugetlbfs", dir);
    }
  }
  ~scoped_hugetlbfs() {
    umount2(dir.c_str(), MNT_DETACH);
    rmdir(dir.c_str());
  }
};

std::string self_exe() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// After a sink stops, its XDP program (libxdp's default one, DPDK's) and its
// socket's queue are released asynchronously; the next sink binding too early
// gets EBUSY. Wait until the interface is free, then a little more.
void wait_interface_free(const lab::veth_lab& lab) {
  lab::netns_scope in_dut(lab.dut_ns());
  for (const std::string& ifname : {lab.dut_if(), lab.dut_far_if()}) {  // a forwarder holds both
    if (ifname.empty()) continue;
    const int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
    for (int i = 0; i < 150; ++i) {
      LIBBPF_OPTS(bpf_xdp_query_opts, q);
      if (bpf_xdp_query(ifindex, 0, &q) == 0 && q.prog_id == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

// The bench's XDP_DROP program attached to an interface of the lab, counting
// what arrives there (a far end, or the generator's veth for a reflector).
struct counting_drop {
  std::optional<drop_skeleton> skel;
  std::optional<xdp_attachment> attach;
  counting_drop(const std::string& ns, const std::string& ifname) {
    lab::netns_scope in(ns);
    skel.emplace(drop_skeleton::open("bench_drop"));
    attach.emplace(xdp_attachment::attach((*skel)->obj, "xdpkit_bench_drop",
                                          static_cast<int>(if_nametoindex(ifname.c_str())), ifname,
                                          xdp_mode_request::native));
  }
  ~counting_drop() {
    attach.reset();  // detached before the skeleton closes
  }
};

// N prefix rules, one of which drops the lab's traffic (UDP to port 9 of the
// lab's unowned address): every packet costs a destination lookup among N
// prefixes and one rule check, like a real blocklist hit. N = 0: no rules and
// "default drop", the firewall's floor (parse, one table read, counters).
firewall::rule_set bench_rules(int n, const lab::veth_lab& lab) {
  if (n == 0) return firewall::parse_rules("default drop\n", "bench");
  std::string text;
  const std::string target = lab.unowned_ip().substr(0, lab.unowned_ip().rfind('.')) + ".0/24";
  for (int i = 0; i < n - 1; ++i)
    text += fmt::format("drop proto udp dst {}.{}.{}.0/24 dport 9\n", 20 + (i >> 16), (i >> 8) & 255, i & 255);
  text += "drop proto udp dst " + target + " dport 9\ndefault pass\n";
  return firewall::parse_rules(text, "bench");
}

// The same shape in IPv6: N /32s of fd01::/16, one /48 that holds the lab's
// unowned IPv6 address; the trie walk replaces the IPv4 direct table.
firewall::rule_set bench_rules6(int n, const lab::veth_lab& lab) {
  std::string text;
  for (int i = 0; i < n - 1; ++i) text += fmt::format("drop proto udp dst fd01:{:x}::/32 dport 9\n", i);
  text += "drop proto udp dst " + lab.lab_prefix6() + " dport 9\ndefault pass\n";
  return firewall::parse_rules(text, "bench");
}

// xdp-filter (Debian's xdp-tools), the firewall's anchor, with the nearest rule
// set it can hold: N destination addresses (one is the lab's target) and UDP
// destination port 9, deny-listed. It keeps its maps pinned in bpffs, which
// `ip netns exec` hides by remounting /sys, so the sink mounts its own; its
// program stays attached after its commands exit (detached after the sink).
sink_spec xdp_filter_sink(int n, const lab::veth_lab& lab, const std::string& log_dir) {
  const std::string list = log_dir + "/xdpkit-bench-xdp-filter-" + std::to_string(n) + ".addresses";
  {
    std::ofstream out(list);
    for (int i = 0; i < n - 1; ++i) out << fmt::format("20.{}.{}.1\n", (i >> 8) & 255, i & 255);
    out << lab.unowned_ip() << "\n";
    if (!out) throw std::runtime_error("write " + list);
  }
  const std::string script = fmt::format(
      "set -e; mount -t bpf bpf /sys/fs/bpf; xdp-filter load -m native -p allow -f ipv4,udp {0}; "
      "xdp-filter port -m dst -p udp 9; while read a; do xdp-filter ip -m dst \"$a\"; done < {1}; "
      "echo XDPKIT-SINK-READY; exec sleep 100000",
      lab.dut_if(), list);
  sink_spec s{fmt::format("xdp-filter-{}", n), {"sh", "-c", script}, "xdp_drops"};
  s.ready_line = "XDPKIT-SINK-READY";
  s.detach_after = true;
  return s;
}

bool log_has_line(const std::string& path, const std::string& line) {
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

sample measure(const lab::veth_lab& lab, const sink_spec& sink, const bench_args& a, int sink_cpu,
               const std::string& log) {
  std::optional<firewall::firewall_program> fw;
  std::optional<sink_process> proc;
  std::optional<drop_skeleton> skel;
  std::optional<xdp_attachment> attach;
  std::optional<scoped_hugetlbfs> hugetlbfs;
  std::optional<scoped_pages> dpdk_pages;
  std::optional<counting_drop> at_gen;
  if (sink.count_at == "gen") at_gen.emplace(lab.gen_ns(), lab.gen_if());
  if (sink.command.empty() && sink.firewall_rules >= 0) {
    const auto compiled =
        firewall::compile(sink.ipv6 ? bench_rules6(sink.firewall_rules, lab) : bench_rules(sink.firewall_rules, lab));
    lab::netns_scope in_dut(lab.dut_ns());
    fw.emplace(firewall::firewall_program::attach(lab.dut_if(), xdp_mode_request::native));
    fw->apply(compiled);
  } else if (sink.command.empty()) {
    lab::netns_scope in_dut(lab.dut_ns());
    skel.emplace(drop_skeleton::open("bench_drop"));
    attach.emplace(xdp_attachment::attach((*skel)->obj, "xdpkit_bench_drop",
                                          static_cast<int>(if_nametoindex(lab.dut_if().c_str())), lab.dut_if(),
                                          xdp_mode_request::native));
  } else {
    std::vector<std::string> cmd = sink.command;
    if (sink.name.starts_with("dpdk")) {
      dpdk_pages.emplace(512);  // testpmd's mempools
      hugetlbfs.emplace();
      cmd.insert(cmd.begin() + 1, {"--huge-dir", hugetlbfs->dir});
    }
    proc.emplace(lab.dut_ns(), sink_cpu, cmd, log);
  }
  if (proc && !sink.ready_line.empty()) {
    for (int i = 0; i < 3000 && proc->running() && !log_has_line(log, sink.ready_line) && !stop_requested().load(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!log_has_line(log, sink.ready_line) && proc->running())
      throw std::runtime_error("bench sink " + sink.name + " was not ready after 300 s; see " + log);
  } else {
    sleep_unless_stopped(1.5);  // the sink binds and fills its rings
  }
  if (proc && !proc->running())
    throw std::runtime_error("bench sink " + sink.name + " exited at start; see " + log);

  generator_thread gen(lab, a.generator_kind, ~0ull, a.warmup + a.seconds + 2, 0, a.rate,
                       sink.ipv6 ? lab.udp6_frame() : std::vector<std::uint8_t>{});
  sleep_unless_stopped(a.warmup);
  auto count = [&] {
    if (sink.count_at == "far") return veth_xdp_counter(lab.far_ns(), lab.far_if(), sink.counter);
    if (sink.count_at == "gen") return veth_xdp_counter(lab.gen_ns(), lab.gen_if(), sink.counter);
    return veth_xdp_counter(lab.dut_ns(), lab.dut_if(), sink.counter);
  };
  auto prog = [&] { return attached_xdp_program_stats(lab.dut_ns(), lab.dut_if()); };
  const std::uint64_t c0 = count(), sent0 = gen.sent();
  const auto cpu0 = proc ? proc->cpu_seconds() : std::nullopt;
  const auto prog0 = prog();
  const auto t0 = std::chrono::steady_clock::now();
  sleep_unless_stopped(a.seconds);
  const std::uint64_t c1 = count(), sent1 = gen.sent();
  const auto cpu1 = proc ? proc->cpu_seconds() : std::nullopt;
  const auto prog1 = prog();
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  gen.finish();
  sample s;
  s.pps = static_cast<double>(c1 - c0) / dt;
  s.offered_pps = static_cast<double>(sent1 - sent0) / dt;
  // Only an AF_XDP sink's process does the receiving; xdp-filter's is a `sleep`.
  if ((sink.counter == "xdp_redirect" || sink.cpu_per_packet) && cpu0 && cpu1 && c1 > c0) s.cpu_ns_per_packet = (*cpu1 - *cpu0) * 1e9 / static_cast<double>(c1 - c0);
  // The same program at both ends (a sink that re-attached mid-run is not measured).
  if (prog0 && prog1 && prog0->id == prog1->id && prog1->run_cnt > prog0->run_cnt)
    s.xdp_ns_per_packet = static_cast<double>(prog1->run_time_ns - prog0->run_time_ns) /
                          static_cast<double>(prog1->run_cnt - prog0->run_cnt);
  return s;
}

// The forwarders and their anchors, every one fed by the same generator on
// dut_if: the XDP path and the AF_XDP path of `xdpkit forward dut_if
// dut_far_if`, and testpmd's io mode between the same two ports, counted at
// the far end; the libxdp reference's l2fwd (swap the MACs, back out of
// dut_if, the classic one-port AF_XDP forwarder) and xdpkit's own, counted
// back at the generator's veth. The AF_XDP ones poll, so their CPU per
// packet is their own (testpmd's cannot sleep: its number is the inverse of the load).
void add_forward_sinks(std::vector<sink_spec>& sinks, const bench_args& a, const lab::veth_lab& lab,
                       const std::string& exe, const std::vector<std::string>& poll_run, bool have_dpdk,
                       int sink_cpu) {
  const std::string dif = lab.dut_if(), bif = lab.dut_far_if();
  sink_spec xdp{"forward-xdp", {exe, "forward", dif, bif, "--path", "xdp", "--quiet"}, "xdp_drops"};
  xdp.count_at = "far";
  sinks.push_back(xdp);
  sink_spec afxdp{"forward-afxdp-poll",
                  {exe, "forward", dif, bif, "--path", "afxdp", "--wait", "poll", "--quiet", "--pages",
                   "huge-or-normal", "--cpu", std::to_string(sink_cpu)},
                  "xdp_drops"};
  afxdp.count_at = "far";
  afxdp.cpu_per_packet = true;
  afxdp.cpu_ref = "ref-l2fwd-poll";
  sinks.push_back(afxdp);
  if (!a.ref_xsk.empty()) {
    sink_spec ref{"ref-l2fwd-poll", {a.ref_xsk, "-i", dif, "-m", "l2fwd", "-d", "1000", "-p"}, "xdp_drops"};
    ref.count_at = "gen";
    ref.cpu_per_packet = true;
    ref.cpu_ref = "";
    sinks.push_back(ref);
  }
  auto l2fwd = poll_run;
  l2fwd.insert(l2fwd.end(), {"--handler", "l2fwd"});
  sink_spec own{"xdpkit-l2fwd-poll", l2fwd, "xdp_drops"};
  own.count_at = "gen";
  own.cpu_per_packet = true;
  own.cpu_ref = "ref-l2fwd-poll";
  sinks.push_back(own);
  if (have_dpdk) {
    sink_spec io{"dpdk-io",
                 {"dpdk-testpmd", "-l", "0,1", "--main-lcore", "0", "--no-pci", "--in-memory", "--vdev",
                  "net_af_xdp0,iface=" + dif + ",start_queue=0,queue_count=1", "--vdev",
                  "net_af_xdp1,iface=" + bif + ",start_queue=0,queue_count=1", "--", "--forward-mode=io",
                  "--stats-period", "1", "--no-lsc-interrupt"},
                 "xdp_drops"};
    io.count_at = "far";
    io.cpu_per_packet = true;
    io.cpu_ref = "ref-l2fwd-poll";
    sinks.push_back(io);
  }
}

int bench(bench_args a) {
  if (geteuid() != 0) {
    std::cerr << "xdpkit bench needs root (netns, veth, XDP, huge pages)\n";
    return 2;
  }
  const lab::generator_support& support = lab::probe_generators();
  a.generator_kind = lab::choose_generator(support, lab::parse_generator_choice(a.generator));
  lab::restore_stale_pool_notes(topology::host_root("/"));
  const long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  const int sink_cpu = ncpu > 1 ? static_cast<int>(ncpu - 1) : 0;

  const std::string exe = self_exe();
  std::vector<sink_spec> sinks;
  sinks.push_back({"xdp-drop", {}, "xdp_drops", -1});
  lab::veth_lab_options lo;
  lo.prefix = "xkbench";
  lo.far_end = a.forward;
  lab::veth_lab lab = lab::veth_lab::create(lo);
  // The far end counts what the forwarders deliver, for the whole bench (nothing else reaches it).
  std::optional<counting_drop> far_drop;
  if (a.forward) far_drop.emplace(lab.far_ns(), lab.far_if());
  const std::string dif = lab.dut_if();
  const std::vector<std::string> xdpkit_run{exe, "run", "--iface", dif, "--quiet", "--pages", "huge-or-normal"};
  for (int n : a.firewall_rules) sinks.push_back({fmt::format("firewall-{}", n), {}, "xdp_drops", n});
  for (int n : a.firewall6_rules) {
    sinks.push_back({fmt::format("firewall6-{}", n), {}, "xdp_drops", n});
    sinks.back().ipv6 = true;
  }
  const bool have_xdp_filter = xdpkit::lab::run_command({"sh", "-c", "command -v xdp-filter"}).status == 0;
  if (have_xdp_filter)
    for (int n : a.xdp_filter_rules) sinks.push_back(xdp_filter_sink(n, lab, a.log_dir));
  // AF_XDP sinks in poll mode: with a generator slower than every sink, a
  // busy sink spins at 100 % whatever it costs, so only a sink that sleeps when
  // idle shows its own CPU per packet. testpmd's af_xdp PMD cannot sleep: its
  // CPU per packet is the inverse of the offered load, and the table says so.
  const bool have_dpdk = a.dpdk && xdpkit::lab::run_command({"sh", "-c", "command -v dpdk-testpmd"}).status == 0;
  if (have_dpdk)
    sinks.push_back({"dpdk",
                     {"dpdk-testpmd", "-l", "0,1", "--main-lcore", "0", "--no-pci", "--in-memory", "--vdev",
                      "net_af_xdp0,iface=" + dif + ",start_queue=0,queue_count=1", "--", "--forward-mode=rxonly",
                      "--stats-period", "1", "--no-lsc-interrupt"},
                     "xdp_redirect"});
  if (!a.ref_xsk.empty())
    sinks.push_back({"ref-rxdrop-poll", {a.ref_xsk, "-i", dif, "-m", "rxdrop", "-d", "1000", "-p"}, "xdp_redirect"});
  if (!a.ref_xsk.empty() && a.rate == 0)  // busy mode only compares at full rate
    sinks.push_back({"ref-rxdrop", {a.ref_xsk, "-i", dif, "-m", "rxdrop", "-d", "1000"}, "xdp_redirect"});
  if (a.rate == 0) sinks.push_back({"xdpkit-rxdrop", xdpkit_run, "xdp_redirect"});
  auto poll_run = xdpkit_run;
  poll_run.insert(poll_run.end(), {"--wait", "poll"});
  sinks.push_back({"xdpkit-rxdrop-poll", poll_run, "xdp_redirect"});
  if (a.forward) add_forward_sinks(sinks, a, lab, exe, poll_run, have_dpdk, sink_cpu);

  if (!a.only.empty()) {
    for (const auto& n : a.only)
      if (std::none_of(sinks.begin(), sinks.end(), [&](const sink_spec& k) { return k.name == n; })) {
        std::string names;
        for (const auto& k : sinks) names += (names.empty() ? "" : ", ") + k.name;
        throw std::invalid_argument("--sinks " + n + ": no such sink in this bench (here: " + names + ")");
      }
    std::erase_if(sinks, [&](const sink_spec& k) {
      return std::find(a.only.begin(), a.only.end(), k.name) == a.only.end();
    });
  }

  // xdpkit's UMEM: 8 pages of 2 MiB, reserved for the whole bench.
  std::optional<scoped_pages> umem_pages;
  try {
    umem_pages.emplace(8);
  } catch (const std::exception& e) {
    std::cerr << "xdpkit bench: no huge pages for the UMEM, xdpkit runs on normal pages: " << e.what() << "\n";
  }

  if (!a.json)
    std::cout << fmt::format("bench: {} sinks x {} runs, {:.0f} s each after {:.0f} s warm-up; generator on CPU 0, "
                             "sink on CPU {}; lab {} <-> {}\n",
                             sinks.size(), a.runs, a.seconds, a.warmup, sink_cpu, lab.gen_ns(), lab.dut_ns());
  if (!a.json)
    std::cout << "  " << generator_line(support, a.generator_kind)
              << (a.rate > 0 ? fmt::format(", offering {:.0f} pps to every sink (--rate)", a.rate) : std::string()) << "\n";
  // Each XDP program's own cost per packet comes from the kernel's run-time stats.
  std::optional<bpf_run_time_stats> stats_on;
  try {
    stats_on.emplace();
  } catch (const std::exception& e) {
    std::cerr << "xdpkit bench: no XDP ns per packet: " << e.what() << "\n";
  }
  if (a.ref_xsk.empty() && !a.json)
    std::cout << "  (no --ref-xsk: the plain libxdp reference is skipped; tools/bench.sh builds it)\n";
  if (!have_xdp_filter && !a.xdp_filter_rules.empty() && !a.json)
    std::cout << "  (xdp-filter not found: install Debian's xdp-tools)\n";
  if (!have_dpdk && a.dpdk && !a.json)
    std::cout << "  (dpdk-testpmd not found: install Debian's dpdk-dev, or run tools/install-deps.sh bench)\n";

  std::map<std::string, std::vector<sample>> results;
  // Runs interleave the sinks, so slow drift on the host spreads over all of them.
  for (int run = 0; run < a.runs && !stop_requested().load(); ++run) {
    for (const auto& sink : sinks) {
      if (stop_requested().load()) break;
      const std::string log = a.log_dir + "/xdpkit-bench-" + sink.name + ".log";
      sample s;
      // A sink whose program outlives it (xdp-filter's netlink attach) is detached
      // however measure() ends.
      auto detach = [&] {
        if (sink.detach_after) lab::run_command({"ip", "-n", lab.dut_ns(), "link", "set", "dev", lab.dut_if(), "xdp", "off"});
      };
      try {
        s = measure(lab, sink, a, sink_cpu, log);
        detach();
      } catch (const std::exception& e) {
        detach();
        // One sink failing (a missing feature, a peer's bug) must not cost the others' numbers.
        std::cerr << "  run " << run + 1 << " " << sink.name << ": " << e.what() << "\n";
        wait_interface_free(lab);
        continue;
      }
      wait_interface_free(lab);
      s.run = run;
      results[sink.name].push_back(s);
      if (!a.json)
        std::cout << fmt::format("  run {} {:<20} offered {:7.3f} Mpps, rx {:7.3f} Mpps{}{}\n", run + 1, sink.name,
                                 s.offered_pps / 1e6, s.pps / 1e6,
                                 s.cpu_ns_per_packet ? fmt::format(", {:.0f} ns CPU/packet", *s.cpu_ns_per_packet)
                                                     : std::string(),
                                 s.xdp_ns_per_packet ? fmt::format(", XDP {:.1f} ns/packet", *s.xdp_ns_per_packet)
                                                     : std::string());
    }
  }

  auto med = [&](const std::string& n, auto field) -> std::optional<double> {
    std::vector<double> v;
    for (const auto& smp : results[n])
      if (auto x = field(smp)) v.push_back(*x);
    if (v.empty()) return std::nullopt;
    return median(v);
  };
  auto rx = [](const sample& x) -> std::optional<double> { return x.pps; };
  auto offered = [](const sample& x) -> std::optional<double> { return x.offered_pps; };
  auto cpu = [](const sample& x) { return x.cpu_ns_per_packet; };
  auto xdp = [](const sample& x) { return x.xdp_ns_per_packet; };
  const auto ceiling_pps = med("xdp-drop", rx);
  // The median over runs of x op y within one run: the runs interleave the
  // sinks, so the two samples of a pair saw the same machine, which a ratio of
  // two medians (each from whichever run was quiet) does not.
  auto paired = [&](const std::string& x, const std::string& y, auto field, auto op) -> std::optional<double> {
    std::vector<double> v;
    for (const auto& sx : results[x])
      for (const auto& sy : results[y])
        if (sx.run == sy.run && field(sx) && field(sy) && *field(sy) > 0) v.push_back(op(*field(sx), *field(sy)));
    if (v.empty()) return std::nullopt;
    return median(v);
  };
  auto ratio = [](double p, double q) { return p / q; };
  auto over = [](double p, double q) { return p - q; };
  auto fmt_opt = [](std::optional<double> v, const char* f) { return v ? fmt::format(fmt::runtime(f), *v) : std::string("-"); };

  nlohmann::json out = nlohmann::json::array();
  if (!a.json)
    std::cout << fmt::format("\nmedians of {} run(s) (ratios: the median of each run's own ratio); offered load {}; CPU: "
                             "the sink process's own; XDP: the attached program's run_time_ns / run_cnt\n{:<20} {:>8} {:>8} {:>9} {:>8} {:>8} {:>9} {:>8}\n",
                             a.runs, a.rate > 0 ? fmt::format("{:.0f} pps", a.rate) : std::string("all the generator can"),
                             "sink", "offered", "rx Mpps", "CPU ns/p", "x ref", "XDP ns/p", "XDP-drop", "x drop");
  for (const auto& sink : sinks) {
    if (!results.count(sink.name)) continue;
    const auto p = med(sink.name, rx), o = med(sink.name, offered), c = med(sink.name, cpu), x = med(sink.name, xdp);
    nlohmann::json j{{"sink", sink.name}, {"runs", results[sink.name].size()}, {"mpps", *p / 1e6},
                     {"offered_mpps", *o / 1e6}};
    std::optional<double> cpu_x_ref, xdp_over, xdp_x;
    if (c) j["cpu_ns_per_packet"] = *c;
    if (c && !sink.cpu_ref.empty() && sink.name != sink.cpu_ref) cpu_x_ref = paired(sink.name, sink.cpu_ref, cpu, ratio);
    if (cpu_x_ref) j["cpu_ratio_to_ref"] = *cpu_x_ref, j["ref"] = sink.cpu_ref;
    if (sink.cpu_ref == "ref-l2fwd-poll")
      if (auto r = paired(sink.name, sink.cpu_ref, rx, ratio)) j["pps_ratio_to_ref"] = *r;
    j["counted_at"] = sink.count_at;
    if (x) j["xdp_ns_per_packet"] = *x;
    if (x) xdp_over = paired(sink.name, "xdp-drop", xdp, over), xdp_x = paired(sink.name, "xdp-drop", xdp, ratio);
    if (xdp_over) j["xdp_ns_over_xdp_drop"] = *xdp_over, j["xdp_ratio_to_xdp_drop"] = *xdp_x;
    if (ceiling_pps && *ceiling_pps > 0) j["ratio_to_xdp_drop"] = *p / *ceiling_pps;
    out.push_back(j);
    if (!a.json)
      std::cout << fmt::format("{:<20} {:>8.3f} {:>8.3f} {:>9} {:>8} {:>8} {:>9} {:>8}\n", sink.name, *o / 1e6, *p / 1e6,
                               fmt_opt(c, "{:.0f}"), fmt_opt(cpu_x_ref, "{:.2f}"), fmt_opt(x, "{:.1f}"),
                               fmt_opt(xdp_over, "{:+.1f}"), fmt_opt(xdp_x, "{:.2f}"));
  }

  // The targets of the bench (a measurement, never a pass/fail test).
  nlohmann::json targets = nlohmann::json::array();
  auto target = [&](const std::string& what, std::optional<double> value, double limit, const std::string& unit,
                    bool at_least = false) {
    nlohmann::json t{{"target", what}, {"limit", limit}, {"at_least", at_least}};
    const bool met = value && (at_least ? *value >= limit : *value <= limit);
    if (value) t["value"] = *value, t["met"] = met;
    targets.push_back(t);
    if (!a.json)
      std::cout << fmt::format("target: {} {} {}{}: {}\n", what, at_least ? ">=" : "<=", limit, unit,
                               value ? fmt::format("{:.3f}{} ({})", *value, unit, met ? "met" : "missed")
                                     : std::string("not measured in this run"));
  };
  if (!a.json) std::cout << "\n";
  target("xdpkit rxdrop sink CPU per packet x the reference's (poll mode)",
         paired("xdpkit-rxdrop-poll", "ref-rxdrop-poll", cpu, ratio), 0.9, "x");
  target("firewall at 10,000 IPv4 rules, XDP ns per packet over XDP_DROP",
         paired("firewall-10000", "xdp-drop", xdp, over), 10, " ns");
  target("firewall IPv6 rule hit x IPv4 (10,000 rules, XDP ns per packet)",
         paired("firewall6-10000", "firewall-10000", xdp, ratio), 1.5, "x");
  target("firewall at 10,000 IPv4 rules x xdp-filter at 10,000 addresses (XDP ns per packet)",
         paired("firewall-10000", "xdp-filter-10000", xdp, ratio), 0.5, "x");
  if (a.forward) {
    // What the far end received of what the generator offered, per run.
    auto delivered = [&](const std::string& n) -> std::optional<double> {
      std::vector<double> v;
      for (const auto& smp : results[n])
        if (smp.offered_pps > 0) v.push_back(smp.pps / smp.offered_pps);
      if (v.empty()) return std::nullopt;
      return median(v);
    };
    target("XDP-path forwarder: delivered x offered", delivered("forward-xdp"), 0.99, "x", true);
    target("XDP-path forwarder, XDP ns per packet over XDP_DROP", paired("forward-xdp", "xdp-drop", xdp, over), 15,
           " ns");
    target("AF_XDP-path forwarder pps x the reference l2fwd's", paired("forward-afxdp-poll", "ref-l2fwd-poll", rx, ratio),
           1.0, "x", true);
    target("AF_XDP-path forwarder CPU per packet x the reference l2fwd's (poll mode)",
           paired("forward-afxdp-poll", "ref-l2fwd-poll", cpu, ratio), 0.9, "x");
  }

  if (a.json)
    std::cout << nlohmann::json{{"type", "bench"}, {"generator", generator_json(support, a.generator_kind)},
                                {"rate_pps", a.rate}, {"seconds", a.seconds}, {"runs", a.runs},
                                {"bpf_stats", stats_on.has_value()}, {"sinks", out}, {"targets", targets}}
                     .dump()
              << std::endl;
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<bench_args>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Measure xdpkit beside its anchors on one veth lab with one generator, in one run, at one\n"
      "offered load (--rate): each XDP program's own cost per packet from the kernel's BPF run-time\n"
      "statistics (the XDP_DROP ceiling, the firewall at 0/10/1,000/10,000 prefix rules, xdpkit's\n"
      "steer program, libxdp's and DPDK's), and each AF_XDP sink's own CPU per packet in poll mode\n"
      "(xdpkit rxdrop, the plain libxdp reference with --ref-xsk, dpdk-testpmd's af_xdp PMD); then\n"
      "the forwarders, from the DUT's veth to a second one into a third namespace: xdpkit forward on\n"
      "the XDP path and the AF_XDP path, testpmd io between the two ports (counted at the far end),\n"
      "the reference's l2fwd and xdpkit's (back out of the DUT's veth, counted at the generator's).\n"
      "Prints medians, ratios and the targets. A measurement, not a test: compare ratios from the\n"
      "same run. `tools/bench.sh` builds the reference and runs this.");
  cmd->add_option("--seconds", a->seconds, "Measured seconds per sink and run")->check(CLI::Range(1.0, 120.0))->capture_default_str();
  cmd->add_option("--warmup", a->warmup, "Seconds of traffic before measuring")->check(CLI::Range(0.0, 30.0))->capture_default_str();
  cmd->add_option("--runs", a->runs, "Runs per sink (the median is reported)")->check(CLI::Range(1, 15))->capture_default_str();
  cmd->add_option("--ref-xsk", a->ref_xsk, "Path of the reference sink binary (shared/bench/ref-xsk.c, built)");
  cmd->add_flag("!--no-dpdk", a->dpdk, "Skip dpdk-testpmd");
  cmd->add_option("--sinks", a->only,
                  "Only these sinks, by the names the table prints (the ratios need their anchors too: xdp-drop, "
                  "ref-rxdrop-poll, ref-l2fwd-poll)")
      ->delimiter(',');
  cmd->add_flag("!--no-forward", a->forward,
                "Skip the forwarders (xdpkit forward on the XDP and AF_XDP paths, the reference l2fwd, xdpkit's "
                "l2fwd, testpmd io between two ports), and the third namespace they forward into");
  cmd->add_option("--firewall-rules", a->firewall_rules,
                  "Firewall sinks to measure, by rule count (each a distinct /24 prefix rule; one drops the lab's "
                  "traffic; 0 = no rules, default drop: the firewall's floor)")
      ->check(CLI::Range(0, XDPKIT_FW_MAX_RULES))
      ->capture_default_str();
  cmd->add_option("--firewall6-rules", a->firewall6_rules,
                  "IPv6 firewall sinks by rule count (N /32 prefix rules, one drops the lab's IPv6 traffic)")
      ->check(CLI::Range(1, XDPKIT_FW_MAX_RULES))
      ->capture_default_str();
  cmd->add_option("--xdp-filter-rules", a->xdp_filter_rules,
                  "xdp-filter sinks by address count (N destination addresses, one the lab's target, and UDP "
                  "port 9; each address is one xdp-filter call, ~ms each)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--rate", a->rate,
                  "Offered load in packets a second, the same for every sink, so that CPU per packet compares "
                  "(0: all the generator can, and busy-mode sinks are added)")
      ->check(CLI::Range(0.0, 1e9))
      ->capture_default_str();
  cmd->add_option("--log-dir", a->log_dir, "Where each sink's output goes")->capture_default_str();
  cmd->add_flag("--json", a->json, "One JSON object with every sink's median, CPU/packet and ratios");
  add_generator_option(*cmd, a->generator);
  cmd->callback([a, &exit_code] {
    install_stop_signals();
    exit_code = bench(*a);
  });
}

}  // namespace xdpkit::cli
