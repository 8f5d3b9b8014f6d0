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
#include "xdpkit/userspace/firewall/firewall_program.hpp"
#include "xdpkit/userspace/firewall/rules.hpp"
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
  std::vector<int> firewall_rules{10, 1000, 10000};
  std::string generator = "auto";
  lab::generator_kind generator_kind = lab::generator_kind::live;  // resolved from `generator` at start
};

struct sample {
  double pps = 0;
  std::optional<double> cpu_ns_per_packet;
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
  const int ifindex = static_cast<int>(if_nametoindex(lab.dut_if().c_str()));
  for (int i = 0; i < 150; ++i) {
    LIBBPF_OPTS(bpf_xdp_query_opts, q);
    if (bpf_xdp_query(ifindex, 0, &q) == 0 && q.prog_id == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
}

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

sample measure(const lab::veth_lab& lab, const sink_spec& sink, const bench_args& a, int sink_cpu,
               const std::string& log) {
  std::optional<firewall::firewall_program> fw;
  std::optional<sink_process> proc;
  std::optional<drop_skeleton> skel;
  std::optional<xdp_attachment> attach;
  std::optional<scoped_hugetlbfs> hugetlbfs;
  std::optional<scoped_pages> dpdk_pages;
  if (sink.command.empty() && sink.firewall_rules >= 0) {
    const auto compiled = firewall::compile(bench_rules(sink.firewall_rules, lab));
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
    if (sink.name == "dpdk") {
      dpdk_pages.emplace(512);  // testpmd's mempools
      hugetlbfs.emplace();
      cmd.insert(cmd.begin() + 1, {"--huge-dir", hugetlbfs->dir});
    }
    proc.emplace(lab.dut_ns(), sink_cpu, cmd, log);
  }
  sleep_unless_stopped(1.5);  // the sink binds and fills its rings
  if (proc && !proc->running())
    throw std::runtime_error("bench sink " + sink.name + " exited at start; see " + log);

  generator_thread gen(lab, a.generator_kind, ~0ull, a.warmup + a.seconds + 2, 0);
  sleep_unless_stopped(a.warmup);
  auto count = [&] { return veth_xdp_counter(lab.dut_ns(), lab.dut_if(), sink.counter); };
  const std::uint64_t c0 = count();
  const auto cpu0 = proc ? proc->cpu_seconds() : std::nullopt;
  const auto t0 = std::chrono::steady_clock::now();
  sleep_unless_stopped(a.seconds);
  const std::uint64_t c1 = count();
  const auto cpu1 = proc ? proc->cpu_seconds() : std::nullopt;
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  gen.finish();
  sample s;
  s.pps = static_cast<double>(c1 - c0) / dt;
  if (cpu0 && cpu1 && c1 > c0) s.cpu_ns_per_packet = (*cpu1 - *cpu0) * 1e9 / static_cast<double>(c1 - c0);
  return s;
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
  lab::veth_lab lab = lab::veth_lab::create(lo);
  const std::string dif = lab.dut_if();
  const std::vector<std::string> xdpkit_run{exe, "run", "--iface", dif, "--quiet", "--pages", "huge-or-normal"};
  for (int n : a.firewall_rules) sinks.push_back({fmt::format("firewall-{}", n), {}, "xdp_drops", n});
  if (!a.ref_xsk.empty()) sinks.push_back({"ref-rxdrop", {a.ref_xsk, "-i", dif, "-m", "rxdrop", "-d", "1000"}, "xdp_redirect"});
  sinks.push_back({"xdpkit-rxdrop", xdpkit_run, "xdp_redirect"});
  const bool have_dpdk = a.dpdk && xdpkit::lab::run_command({"sh", "-c", "command -v dpdk-testpmd"}).status == 0;
  if (have_dpdk)
    sinks.push_back({"dpdk",
                     {"dpdk-testpmd", "-l", "0,1", "--main-lcore", "0", "--no-pci", "--in-memory", "--vdev",
                      "net_af_xdp0,iface=" + dif + ",start_queue=0,queue_count=1", "--", "--forward-mode=rxonly",
                      "--stats-period", "1", "--no-lsc-interrupt"},
                     "xdp_redirect"});
  if (!a.ref_xsk.empty())
    sinks.push_back({"ref-rxdrop-poll", {a.ref_xsk, "-i", dif, "-m", "rxdrop", "-d", "1000", "-p"}, "xdp_redirect"});
  auto poll_run = xdpkit_run;
  poll_run.insert(poll_run.end(), {"--wait", "poll"});
  sinks.push_back({"xdpkit-rxdrop-poll", poll_run, "xdp_redirect"});

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
  if (!a.json) std::cout << "  " << generator_line(support, a.generator_kind) << "\n";
  if (a.ref_xsk.empty() && !a.json)
    std::cout << "  (no --ref-xsk: the plain libxdp reference is skipped; tools/bench.sh builds it)\n";
  if (!have_dpdk && a.dpdk && !a.json)
    std::cout << "  (dpdk-testpmd not found: install Debian's dpdk-dev, or run tools/install-deps.sh bench)\n";

  std::map<std::string, std::vector<sample>> results;
  // Runs interleave the sinks, so slow drift on the host spreads over all of them.
  for (int run = 0; run < a.runs && !stop_requested().load(); ++run) {
    for (const auto& sink : sinks) {
      if (stop_requested().load()) break;
      const std::string log = a.log_dir + "/xdpkit-bench-" + sink.name + ".log";
      sample s;
      try {
        s = measure(lab, sink, a, sink_cpu, log);
      } catch (const std::exception& e) {
        // One sink failing (a missing feature, a peer's bug) must not cost the others' numbers.
        std::cerr << "  run " << run + 1 << " " << sink.name << ": " << e.what() << "\n";
        wait_interface_free(lab);
        continue;
      }
      wait_interface_free(lab);
      results[sink.name].push_back(s);
      if (!a.json)
        std::cout << fmt::format("  run {} {:<20} {:7.3f} Mpps{}\n", run + 1, sink.name, s.pps / 1e6,
                                 s.cpu_ns_per_packet ? fmt::format("  {:6.0f} ns CPU/packet", *s.cpu_ns_per_packet)
                                                     : std::string());
    }
  }

  auto med_pps = [&](const std::string& n) {
    std::vector<double> v;
    for (const auto& s : results[n]) v.push_back(s.pps);
    return v.empty() ? 0.0 : median(v);
  };
  auto med_cpu = [&](const std::string& n) -> std::optional<double> {
    std::vector<double> v;
    for (const auto& s : results[n])
      if (s.cpu_ns_per_packet) v.push_back(*s.cpu_ns_per_packet);
    if (v.empty()) return std::nullopt;
    return median(v);
  };
  const double ceiling = med_pps("xdp-drop");
  const double ref = results.count("ref-rxdrop") ? med_pps("ref-rxdrop") : 0;
  nlohmann::json out = nlohmann::json::array();
  if (!a.json)
    std::cout << fmt::format("\n{:<20} {:>10} {:>14} {:>10} {:>10}\n", "sink", "Mpps", "ns CPU/packet",
                             "x ceiling", "x ref");
  for (const auto& sink : sinks) {
    if (!results.count(sink.name)) continue;
    const double p = med_pps(sink.name);
    const auto c = med_cpu(sink.name);
    nlohmann::json j{{"sink", sink.name}, {"mpps", p / 1e6}, {"runs", results[sink.name].size()}};
    if (c) j["cpu_ns_per_packet"] = *c;
    if (ceiling > 0) j["ratio_to_xdp_drop"] = p / ceiling;
    if (ref > 0) j["ratio_to_ref"] = p / ref;
    out.push_back(j);
    if (!a.json)
      std::cout << fmt::format("{:<20} {:>10.3f} {:>14} {:>10.2f} {:>10}\n", sink.name, p / 1e6,
                               c ? fmt::format("{:.0f}", *c) : "-", ceiling > 0 ? p / ceiling : 0.0,
                               ref > 0 ? fmt::format("{:.2f}", p / ref) : "-");
  }
  if (a.json) std::cout << nlohmann::json{{"type", "bench"}, {"generator", generator_json(support, a.generator_kind)}, {"seconds", a.seconds}, {"runs", a.runs}, {"sinks", out}}.dump() << std::endl;
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<bench_args>();
  CLI::App* cmd = app.add_subcommand(
      "bench",
      "Measure xdpkit rxdrop beside its anchors on one veth lab with one generator, in one run:\n"
      "the XDP_DROP ceiling, the firewall with 10/1,000/10,000 prefix rules, the plain libxdp AF_XDP\n"
      "reference (--ref-xsk), dpdk-testpmd's af_xdp\n"
      "PMD (rxonly), and poll-mode variants for CPU time per packet. Prints medians and ratios.\n"
      "A measurement, not a test: compare ratios from the same run. `tools/bench.sh` builds the\n"
      "reference and runs this.");
  cmd->add_option("--seconds", a->seconds, "Measured seconds per sink and run")->check(CLI::Range(1.0, 120.0))->capture_default_str();
  cmd->add_option("--warmup", a->warmup, "Seconds of traffic before measuring")->check(CLI::Range(0.0, 30.0))->capture_default_str();
  cmd->add_option("--runs", a->runs, "Runs per sink (the median is reported)")->check(CLI::Range(1, 15))->capture_default_str();
  cmd->add_option("--ref-xsk", a->ref_xsk, "Path of the reference sink binary (shared/bench/ref-xsk.c, built)");
  cmd->add_flag("!--no-dpdk", a->dpdk, "Skip dpdk-testpmd");
  cmd->add_option("--firewall-rules", a->firewall_rules,
                  "Firewall sinks to measure, by rule count (each a distinct /24 prefix rule; one drops the lab's "
                  "traffic; 0 = no rules, default drop: the firewall's floor)")
      ->check(CLI::Range(0, XDPKIT_FW_MAX_RULES))
      ->capture_default_str();
  cmd->add_option("--log-dir", a->log_dir, "Where each sink's output goes")->capture_default_str();
  cmd->add_flag("--json", a->json, "One JSON object with every sink's median, CPU/packet and ratios");
  add_generator_option(*cmd, a->generator);
  cmd->callback([a, &exit_code] { exit_code = bench(*a); });
}

}  // namespace xdpkit::cli
