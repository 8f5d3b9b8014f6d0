// SPDX-License-Identifier: Apache-2.0
// xdpkit up --config FILE: the service in the foreground. Validate, tune
// (journaled), start every interface's data plane, say READY=1, report each
// second, reload rule sets on SIGHUP, and on SIGTERM or Ctrl-C stop, detach
// and revert, so the host reads as it did before.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <sys/capability.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <map>
#include <memory>
#include <string>

#include "commands.hpp"
#include "engine_options.hpp"
#include "interval_loop.hpp"
#include "signals.hpp"
#include "stats_report.hpp"
#include "steps_report.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/config/config.hpp"
#include "xdpkit/service/control_socket.hpp"
#include "xdpkit/service/dogstatsd.hpp"
#include "xdpkit/service/metrics.hpp"
#include "xdpkit/service/privileges.hpp"
#include "xdpkit/service/service.hpp"
#include "xdpkit/service/service_log.hpp"
#include "xdpkit/service/systemd_notify.hpp"

namespace xdpkit::cli {

namespace {

struct up_args {
  std::string config;
  std::string run_dir = "/run/xdpkit";
  std::string root = "/";
  double duration = 0;
  bool json = false;
  bool quiet = false;
};

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// Says one event: with --json as a JSON line on stdout, else its text to
// the log ([log]: journald or stderr, filtered by level). Errors and
// warnings go to the log either way (log()), as they went to stderr.
class event_printer {
 public:
  event_printer(bool json, const service::service_log& log) : json_(json), log_(log) {}
  void operator()(const nlohmann::json& j, const std::string& text) const {
    if (json_) {
      std::cout << dump(j) << std::endl;
      return;
    }
    const std::string type = j.value("type", "");
    const service::log_level level = type == "error"                               ? service::log_level::error
                                     : type == "reload" && !j.value("ok", true)     ? service::log_level::warn
                                     : type == "stalled"                            ? service::log_level::warn
                                                                                   : service::log_level::info;
    log_.write(level, type, text, j.value("interface", ""));
  }
  void log(service::log_level level, std::string_view event, const std::string& text,
           std::string_view interface = {}) const {
    log_.write(level, event, text, interface);
  }

 private:
  bool json_;
  const service::service_log& log_;
};

nlohmann::json checks_json(const std::vector<topology::check_result>& checks) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : checks)
    a.push_back({{"id", c.id}, {"level", topology::to_string(c.level)}, {"summary", c.summary}, {"remedy", c.remedy}});
  return a;
}

void print_start(const event_printer& say, const service::interface_status& s) {
  const std::string& name = s.config.name;
  std::string text;
  if (!s.replayed.empty()) text += name + ": a service that died had left changes; put back:\n" + steps_text(s.replayed, "reverted");
  if (!s.tuned.empty()) text += name + ": changed on the host (journaled, put back at stop):\n" + steps_text(s.tuned, "changed");
  // Warnings at their own level: [log] level = "warn" keeps them, drops the rest.
  for (const auto& w : s.warnings)
    say.log(service::log_level::warn, "start",
            fmt::format("{}: {} {}: {}{}", name, topology::to_string(w.level), w.id, w.summary,
                        w.remedy.empty() ? "" : " (" + w.remedy + ")"),
            name);
  for (const auto& p : s.plan) text += name + ": cpu plan: " + p + "\n";
  std::size_t rules = 0;
  for (auto n : s.rules_per_file) rules += n;
  text += name + ": " + info_line(s.data_plane) + "\n";
  nlohmann::json j = info_json(s.data_plane);
  j["type"] = "start";
  j["interface"] = name;
  j["queues"] = s.queues;
  j["cpus"] = s.cpus;
  j["replayed"] = steps_json(s.replayed);
  j["tuned"] = steps_json(s.tuned);
  j["journal_entries"] = s.journal_entries;
  j["cpuset"] = s.cpuset.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.cpuset.string());
  j["warnings"] = checks_json(s.warnings);
  j["rules"] = rules;
  say(j, text);
}

// [sysctl] and the workers' cpusets, once, before the interfaces: the event
// "host" (JSON) and its lines.
void print_host_settings(const event_printer& say, const service::service& svc) {
  const auto& replayed = svc.settings_replayed();
  const auto& applied = svc.settings_applied();
  if (replayed.empty() && applied.empty()) return;
  std::string text;
  if (!replayed.empty())
    text += "a service that died had left sysctls or cgroups; put back:\n" + steps_text(replayed, "reverted");
  if (!applied.empty()) text += "set on the host for the service (journaled, put back at stop):\n" + steps_text(applied, "changed");
  say({{"type", "host"}, {"replayed", steps_json(replayed)}, {"applied", steps_json(applied)}}, text);
}

std::string ready_status(const service::service& svc) {
  std::string s = "running";
  for (const auto& i : svc.interfaces())
    s += fmt::format(" {} ({}, {} queue{})", i.config.name, i.config.program, i.queues.size(), i.queues.size() == 1 ? "" : "s");
  return s;
}

// SIGHUP or `xdpkit ctl reload`: the config and its rule files read again
// and the rule sets swapped, or nothing changed and the reason said (stdout,
// STATUS=, the reply to ctl).
nlohmann::json reload(service::service& svc, const up_args& a, service::systemd_notify& notify, const event_printer& say,
                      const char* by) {
  notify.reloading("reloading " + a.config);
  service::reload_result r;
  try {
    r = svc.reload(config::load_config(a.config));
  } catch (const std::exception& e) {  // config_error (FILE:LINE:COLUMN), os_error (unreadable)
    r.error = std::string(e.what()) + "; the running set is kept";
    r.ok = false;
  }
  nlohmann::json j{{"type", "reload"}, {"by", by}, {"ok", r.ok}, {"swapped", r.swapped}, {"rules", r.rule_counts}};
  if (!r.ok) j["error"] = r.error;
  std::string text;
  if (r.ok) {
    text = "xdpkit up: reloaded " + a.config;
    for (std::size_t i = 0; i < r.swapped.size(); ++i) text += fmt::format("; {} runs {} rules", r.swapped[i], r.rule_counts[i]);
    text += "\n";
  } else {
    say.log(service::log_level::warn, "reload", "reload failed: " + r.error);
  }
  say(j, text);
  const std::string status = ready_status(svc);
  notify.ready(r.ok ? status : status + "; last reload failed: " + r.error);
  return j;
}

// One request of `xdpkit ctl`, answered with one JSON line.
std::string control_reply(std::string_view request, service::service& svc, const up_args& a,
                          service::systemd_notify& notify, const event_printer& say) {
  if (request == "reload") return dump(reload(svc, a, notify, say, "ctl"));
  // Tests only (XDPKIT_TEST_HOOKS=1 in up's environment): "test-stall IF QUEUE on|off"
  // holds a worker as a hung handler would, for the watchdog's test.
  if (request.rfind("test-stall ", 0) == 0 && std::getenv("XDPKIT_TEST_HOOKS")) {
    std::istringstream words{std::string(request.substr(11))};
    std::string ifname, on;
    std::uint32_t queue = 0;
    if (!(words >> ifname >> queue >> on) || (on != "on" && on != "off"))
      return dump({{"ok", false}, {"error", "test-stall takes IF QUEUE on|off"}});
    try {
      svc.stall_worker_for_test(ifname, queue, on == "on");
    } catch (const std::exception& e) {
      return dump({{"ok", false}, {"error", e.what()}});
    }
    return dump({{"ok", true}});
  }
  if (request == "status") {
    nlohmann::json ifs = nlohmann::json::array();
    for (const auto& s : svc.interfaces()) {
      const auto t = s.data_plane.stats().total();
      ifs.push_back({{"interface", s.config.name},
                     {"program", s.config.program},
                     {"queues", s.queues},
                     {"cpus", s.cpus},
                     {"rx_packets", t.rx_packets},
                     {"journal_entries", s.journal_entries}});
    }
    return dump({{"ok", true},
                 {"config", a.config},
                 {"interfaces", ifs},
                 {"reloads", {{"ok", svc.reloads_ok()}, {"failed", svc.reloads_failed()}}}});
  }
  return dump({{"ok", false}, {"error", "unknown request " + xdpkit::quote(request) + "; the requests are reload, status"}});
}

int up(const up_args& a) {
  config::service_config cfg;
  try {
    cfg = config::load_config(a.config);
  } catch (const std::exception& e) {
    std::cerr << "xdpkit up: " << xdpkit::escape_controls(e.what()) << "\n";
    return 2;
  }
  const service::service_log log(cfg.log);  // stderr until here: no config, no [log]
  const event_printer say(a.json, log);
  const auto fail = [&](const std::string& what) { say.log(service::log_level::error, "error", what); };
  // First, so a second `up` on the same run directory stops before it tunes anything.
  std::optional<service::control_socket> control;
  try {
    control.emplace(service::control_socket_path(a.run_dir));
  } catch (const std::exception& e) {
    fail(std::string("not started: ") + e.what());
    return 2;
  }
  service::systemd_notify notify;
  service::service_options opt;
  opt.run_dir = a.run_dir;
  opt.root = topology::host_root(a.root);
  notify.status("starting: " + a.config);
  std::optional<service::service> svc;
  try {
    svc.emplace(service::service::start(cfg, opt));
  } catch (const service::validation_failed& e) {
    for (const auto& c : e.errors())
      say.log(service::log_level::error, "error", fmt::format("{}: {}: {}\n  fix: {}", e.ifname(), c.id, c.summary, c.remedy),
              e.ifname());
    say({{"type", "error"}, {"interface", e.ifname()}, {"error", e.what()}, {"checks", checks_json(e.errors())}}, "");
    notify.status(std::string("not started: ") + e.what());
    return 1;
  } catch (const std::exception& e) {
    fail(std::string("not started: ") + e.what());
    say({{"type", "error"}, {"error", e.what()}}, "");
    notify.status(std::string("not started: ") + e.what());
    return dynamic_cast<const std::invalid_argument*>(&e) ? 2 : 1;
  }
  print_host_settings(say, *svc);
  for (const auto& s : svc->interfaces()) print_start(say, s);
  // Locked before the capabilities go: MCL_FUTURE also locks what comes
  // later (the metrics server's thread stacks), so CAP_IPC_LOCK stays below.
  if (cfg.process.mlockall && ::mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
    const int err = errno;
    fail(std::string("not started: [process] mlockall: ") + std::strerror(err) +
         (err == ENOMEM || err == EPERM ? " (needs CAP_IPC_LOCK or LimitMEMLOCK=infinity in the unit)" : ""));
    return 1;
  }
  // The main thread on the control CPU before it makes any thread (the
  // metrics server's, DogStatsD's): they inherit it, and stay off the workers.
  std::string control_text;
  try {
    control_text = svc->pin_control_thread();
  } catch (const std::exception& e) {
    fail(std::string("not started: ") + e.what());
    return 1;
  }
  // Set up: keep only what running and the revert need, before the metrics
  // server's threads exist (they inherit the smaller set).
  std::vector<std::string> capabilities;
  try {
    // Kernels before 5.8 have no CAP_BPF: there bpf() needs CAP_SYS_ADMIN.
    std::vector<cap_value_t> keep{CAP_NET_ADMIN, CAP_IS_SUPPORTED(CAP_BPF) ? CAP_BPF : CAP_SYS_ADMIN};
    // libxdp detaches from its dispatcher by looking programs up by id
    // (bpf_prog_get_fd_by_id: CAP_SYS_ADMIN) and unpinning them from bpffs;
    // without it the detach at stop left the dispatcher attached and the
    // channels could not go back (found by the rig on 6.1). A BPF link needs
    // nothing: closing its fd detaches.
    for (const auto& s : svc->interfaces())
      if (s.data_plane.info().dispatcher) {
        keep.push_back(CAP_SYS_ADMIN);
        break;
      }
    if (cfg.process.mlockall) keep.push_back(CAP_IPC_LOCK);
    // A cgroup hierarchy's root directory is mode 555 (cgroup v1's cpuset
    // here): removing the workers' cpuset from it at the stop needs
    // CAP_DAC_OVERRIDE, as making it did.
    if (cfg.process.cpuset) keep.push_back(CAP_DAC_OVERRIDE);
    if (cfg.metrics.prometheus_listen) {
      const auto& l = *cfg.metrics.prometheus_listen;
      if (std::stoul(l.substr(l.rfind(':') + 1)) < 1024) keep.push_back(CAP_NET_BIND_SERVICE);
    }
    capabilities = service::keep_only_capabilities(keep);
  } catch (const std::exception& e) {
    fail(std::string("not started: ") + e.what());
    say({{"type", "error"}, {"error", e.what()}}, "");
    return 1;
  }
  std::optional<service::prometheus_endpoint> metrics;
  if (cfg.metrics.prometheus_listen) {
    try {
      metrics.emplace(*svc, *cfg.metrics.prometheus_listen, cfg.metrics.max_rule_series);
    } catch (const std::exception& e) {
      // The service's destructor detaches and reverts what start() did.
      fail(std::string("not started: ") + e.what());
      say({{"type", "error"}, {"error", e.what()}}, "");
      notify.status(std::string("not started: ") + e.what());
      return 1;
    }
  }
  std::optional<service::dogstatsd_sink> statsd;
  if (cfg.metrics.dogstatsd) {
    try {
      statsd.emplace(*cfg.metrics.dogstatsd, service::read_boot_id(opt.root));
    } catch (const std::exception& e) {
      fail(std::string("not started: ") + e.what());
      say({{"type", "error"}, {"error", e.what()}}, "");
      notify.status(std::string("not started: ") + e.what());
      return 1;
    }
  }
  notify.ready(ready_status(*svc));
  nlohmann::json ready{{"type", "ready"}, {"notify", notify.active()}, {"metrics", nullptr},
                       {"control_cpu", svc->control_cpu() ? nlohmann::json(*svc->control_cpu()) : nlohmann::json(nullptr)},
                       {"control_cpu_why", control_text},
                       {"mlockall", cfg.process.mlockall},
                       {"capabilities", {{"main", capabilities}, {"workers", nlohmann::json::array()}}}};
  std::string ready_text = "xdpkit up: running; SIGHUP reloads the rules, SIGTERM or Ctrl-C stops and reverts\n";
  ready_text += "xdpkit up: its own threads: " + control_text + (cfg.process.mlockall ? "; memory locked (mlockall)\n" : "\n");
  ready_text += fmt::format("xdpkit up: capabilities kept after setup: {} (workers: none)\n",
                            capabilities.empty() ? std::string("none") : fmt::format("{}", fmt::join(capabilities, ", ")));
  ready["dogstatsd"] = statsd ? nlohmann::json(statsd->target()) : nlohmann::json(nullptr);
  if (statsd) ready_text += "xdpkit up: metrics pushed to DogStatsD at " + statsd->target() + " each second\n";
  if (metrics) {
    ready["metrics"] = "http://" + metrics->listen() + "/metrics";
    ready_text += "xdpkit up: metrics on http://" + metrics->listen() + "/metrics\n";
  }
  say(ready, ready_text);
  if (!notify.last_error().empty()) say.log(service::log_level::warn, "ready", notify.last_error());

  // WATCHDOG=1 every half $WATCHDOG_USEC, and only while every worker's
  // heartbeat moves: a hung worker stops it, and systemd restarts the unit.
  service::heartbeat_watch heartbeats;
  auto next_watchdog = std::chrono::steady_clock::now();
  std::vector<std::string> stalled;
  const auto watchdog = [&] {
    if (!notify.watchdog_interval() || std::chrono::steady_clock::now() < next_watchdog) return;
    next_watchdog = std::chrono::steady_clock::now() + *notify.watchdog_interval();
    auto now_stalled = heartbeats.stalled(svc->interfaces());
    if (now_stalled.empty()) {
      notify.watchdog();
      if (!stalled.empty()) notify.status(ready_status(*svc));
    } else if (now_stalled != stalled) {
      std::string who;
      for (const auto& w : now_stalled) who += (who.empty() ? "" : ", ") + w;
      say.log(service::log_level::warn, "stalled",
              fmt::format("worker {} stalled: its heartbeat stood still for {:.1f} s; WATCHDOG=1 is withheld, so systemd "
                          "restarts the service",
                          who, std::chrono::duration<double>(*notify.watchdog_interval()).count()));
      notify.status("stalled: " + who + " (watchdog withheld)");
      say({{"type", "stalled"}, {"workers", now_stalled}}, "");
    }
    stalled = std::move(now_stalled);
  };

  std::map<std::string, engine_stats> last;
  for (const auto& s : svc->interfaces()) last[s.config.name] = s.data_plane.stats();
  const loop_end end = run_intervals(
      a.duration, [&] { return svc->interface_lost(); },
      [&](double t, double seconds) {
        if (statsd) statsd->push(service::metric_families(svc->snapshot(), cfg.metrics.max_rule_series));
        for (const auto& s : svc->interfaces()) {
          interval i;
          i.after = s.data_plane.stats();
          i.before = last[s.config.name];
          i.t = t;
          i.seconds = seconds;
          last[s.config.name] = i.after;
          if (a.quiet) continue;
          nlohmann::json j = interval_json(i);
          j["interface"] = s.config.name;
          const auto& p = i.after.program;  // cumulative, as the summary's: what each rule set did adds up
          j["xdp"] = {{"rx", p.rx_packets}, {"redirected", p.redirected}, {"passed", p.passed}, {"dropped", p.dropped}};
          say(j, s.config.name + " " + interval_line(i) + "\n");
        }
      },
      [&] {
        watchdog();
        if (take_reload_request()) (void)reload(*svc, a, notify, say, "SIGHUP");
        control->serve([&](std::string_view req) { return control_reply(req, *svc, a, notify, say); });
      });

  notify.stopping(end.lost ? "stopping: " + *end.lost : "stopping: reverting what was changed");
  svc->stop();
  // The last second's growth, so the agent's sums end where the summary does.
  if (statsd) statsd->push(service::metric_families(svc->snapshot(), cfg.metrics.max_rule_series));
  for (const auto& s : svc->interfaces()) {
    const engine_stats st = s.data_plane.stats();
    nlohmann::json j = summary_json(s.data_plane, st, end.seconds);
    j["rule_hits"] = s.data_plane.rule_hits();
    say(j, s.config.name + ": " + summary_text(s.data_plane, st, end.seconds));
  }
  metrics.reset();  // no scrape reads a data plane that is going away
  const auto report = svc->shut_down();
  nlohmann::json reverted = nlohmann::json::object();
  std::string text;
  for (const auto& [name, steps] : report.reverted) {
    reverted[name] = steps_json(steps);
    text += name + ": put back:\n" + steps_text(steps, "reverted");
  }
  for (const auto& f : report.failures) say.log(service::log_level::error, "stop", "could not put back " + f);
  say({{"type", "stop"}, {"reverted", reverted}, {"failures", report.failures}, {"seconds", end.seconds}}, text);
  if (end.lost) {
    say.log(service::log_level::error, "stop", fmt::format("stopped after {:.1f} s: {}", end.seconds, *end.lost));
    return 1;
  }
  return report.failures.empty() ? 0 : 1;
}

struct ctl_args {
  std::string request;
  std::string run_dir = "/run/xdpkit";
  double timeout = 30;
  bool json = false;
};

int ctl(const ctl_args& a) {
  std::string reply;
  try {
    reply = service::control_request(service::control_socket_path(a.run_dir), a.request,
                                     std::chrono::milliseconds(static_cast<long>(a.timeout * 1000)));
  } catch (const std::exception& e) {
    std::cerr << "xdpkit ctl: " << xdpkit::escape_controls(e.what()) << "\n";
    return 2;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(reply);
  } catch (const std::exception&) {
    std::cerr << "xdpkit ctl: the service replied with something that is not JSON: " << xdpkit::quote(reply) << "\n";
    return 3;
  }
  const bool ok = j.value("ok", false);
  if (a.json) {
    std::cout << dump(j) << "\n";
  } else if (!ok) {
    std::cerr << "xdpkit ctl " << a.request << ": " << xdpkit::escape_controls(j.value("error", reply)) << "\n";
  } else if (a.request == "reload") {
    std::cout << "reloaded";
    for (std::size_t i = 0; i < j["swapped"].size(); ++i)
      std::cout << (i ? ", " : ": ") << j["swapped"][i].get<std::string>() << " runs " << j["rules"][i] << " rules";
    std::cout << "\n";
  } else {
    std::cout << "running " << j["config"].get<std::string>() << "; reloads " << j["reloads"]["ok"] << " ok, "
              << j["reloads"]["failed"] << " failed\n";
    for (const auto& i : j["interfaces"])
      std::cout << fmt::format("  {}: {}, queues {}, cpus {}, {} packets to the workers, {} journaled changes\n",
                               i["interface"].get<std::string>(), i["program"].get<std::string>(), i["queues"].dump(),
                               i["cpus"].dump(), i["rx_packets"].get<std::uint64_t>(), i["journal_entries"].get<std::size_t>());
  }
  return ok ? 0 : 1;
}

}  // namespace

void add_up_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<up_args>();
  CLI::App* cmd = app.add_subcommand(
      "up",
      "Run the service a config describes, in the foreground (systemd Type=notify, or a terminal):\n"
      "  1. read FILE (errors name FILE:LINE:COLUMN and the key; check it first with `xdpkit config check`)\n"
      "  2. per [[interface]]: replay what a dead `up` left, tune the NIC ([interface.tune], journaled in\n"
      "     RUN_DIR/up), run the validator (errors stop the start, with their fixes), plan the CPUs, attach the\n"
      "     program, bind every queue, start the workers\n"
      "  3. READY=1 to $NOTIFY_SOCKET, a line per interface each second, Prometheus metrics on [metrics]\n"
      "     prometheus_listen (GET /metrics), the control socket RUN_DIR/control.sock for `xdpkit ctl`\n"
      "  SIGHUP or `xdpkit ctl reload`: read FILE and the rule files again and swap each firewall's rules\n"
      "  atomically (RELOADING=1, then READY=1); a bad file keeps the running rules and says why. Other\n"
      "  changes need a restart.\n"
      "  WatchdogSec= ($WATCHDOG_USEC): WATCHDOG=1 every half period, only while every worker's heartbeat\n"
      "  moves; a stalled worker withholds it (STATUS= names the worker) and systemd restarts the service.\n"
      "  SIGTERM, Ctrl-C: STOPPING=1, detach everything, revert every tune; exit 0 when all went back.\n"
      "Exit codes: 0 stopped cleanly, 1 not started (the validator, a device) or not all put back, 2 the\n"
      "config cannot be read or is wrong.\n"
      "Example: xdpkit up --config /etc/xdpkit/xdpkit.toml");
  cmd->add_option("--config,-c", a->config, "The service config (TOML); see `xdpkit config check --help`")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--run-dir", a->run_dir,
                  "Where the service keeps its journals (RUN_DIR/up/NETNS-IF.journal); keep it across stops "
                  "(RuntimeDirectoryPreserve=yes) so a crash can be undone")
      ->capture_default_str();
  cmd->add_option("--root", a->root, "Read /sys and /proc for the validator and the CPU plan under this directory")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  cmd->add_option("--duration,-d", a->duration, "Seconds to run; 0 runs until SIGTERM or Ctrl-C")
      ->check(finite_seconds(0, 1e9));
  cmd->add_flag("--json", a->json, "One JSON object per line: start (per interface), ready, interval, reload, summary, stop");
  cmd->add_flag("--quiet", a->quiet, "No per-second lines");
  cmd->callback([a, &exit_code] {
    install_service_signals();
    exit_code = up(*a);
  });

  auto c = std::make_shared<ctl_args>();
  CLI::App* ctl_cmd = app.add_subcommand(
      "ctl",
      "Ask a running `xdpkit up` over its control socket (RUN_DIR/control.sock) and wait for the answer:\n"
      "  reload  read the config and rule files again and swap the rules (what SIGHUP does, but this returns\n"
      "          when the reload is done, with its result: systemd's ExecReload=)\n"
      "  status  the interfaces, queues, CPUs and counters it runs\n"
      "Exit codes: 0 done, 1 the service refused (a bad rule file: it keeps its running rules), 2 no service\n"
      "answers at RUN_DIR.");
  ctl_cmd->add_option("REQUEST", c->request, "reload | status")->required()->check(CLI::IsMember({"reload", "status"}));
  ctl_cmd->add_option("--run-dir", c->run_dir, "The run directory of the `up` to ask")->capture_default_str();
  ctl_cmd->add_option("--timeout", c->timeout, "Seconds to wait for the answer")->check(finite_seconds(0.1, 3600))->capture_default_str();
  ctl_cmd->add_flag("--json", c->json, "Print the service's JSON reply as it came");
  ctl_cmd->callback([c, &exit_code] { exit_code = ctl(*c); });
}

}  // namespace xdpkit::cli
