// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/service.hpp"

#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/config/rule_files.hpp"
#include "xdpkit/config/tune_request.hpp"
#include "xdpkit/service/host_changes.hpp"
#include "xdpkit/service/host_settings.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/planner.hpp"
#include "xdpkit/topology/validator.hpp"
#include "xdpkit/userspace/engine_words.hpp"

namespace xdpkit::service {

namespace {

std::string error_lines(const std::vector<topology::check_result>& errors) {
  std::string s;
  for (const auto& e : errors) s += (s.empty() ? "" : "; ") + e.id + ": " + e.summary;
  return s;
}

engine_words words_of(const config::interface_config& c) {
  engine_words w;
  w.handler = c.handler;
  w.xdp_mode = c.xdp_mode;
  w.bind = c.xsk.bind;
  w.pages = c.umem.pages;
  w.wait = c.xsk.wait;
  w.batch = c.xsk.batch;
  w.frames = c.xsk.frames;
  w.no_socket = c.no_socket;
  w.busy_poll_usec = c.xsk.busy_poll_usec;
  w.busy_poll_budget = c.xsk.busy_poll_budget;
  w.multi_buffer = c.xsk.multi_buffer;
  w.fifo_priority = c.xsk.fifo_priority;
  w.shareable_umem = c.umem.shareable;
  return w;
}

// What differs between the running interface and the reloaded one, by key,
// among what a reload cannot change (everything but the rule files' contents
// and their list).
std::vector<std::string> needs_restart(const config::interface_config& a, const config::interface_config& b) {
  std::vector<std::string> keys;
  const auto differ = [&](bool d, const char* key) {
    if (d) keys.push_back(a.name + "." + key);
  };
  differ(a.program != b.program, "program");
  differ(a.queues != b.queues, "queues");
  differ(a.cpus != b.cpus, "cpus");
  differ(a.handler != b.handler, "handler");
  differ(a.xdp_mode != b.xdp_mode, "xdp_mode");
  differ(a.no_socket != b.no_socket, "no_socket");
  differ(a.ports != b.ports, "ports");
  differ(!(a.xsk == b.xsk), "xsk");
  differ(!(a.umem == b.umem), "umem");
  differ(!(a.tune == b.tune), "tune");
  return keys;
}

}  // namespace

validation_failed::validation_failed(std::string ifname, std::vector<topology::check_result> errors)
    : std::runtime_error(ifname + ": the host is not ready: " + error_lines(errors)),
      ifname_(std::move(ifname)),
      errors_(std::move(errors)) {}

namespace {
// One interface's share of the service. Members go bottom-up: the engine
// detaches before the tune is reverted.
struct running_interface {
  std::optional<host_changes> tune;
  std::optional<engine> data_plane;
  std::vector<std::uint32_t> queues;
  std::vector<int> cpus;
  std::vector<std::string> plan;
  std::vector<topology::check_result> warnings;
  std::vector<std::size_t> rules_per_file;
  unsigned umem_node = 0;          // where the UMEMs are (the workers' cpuset mems)
  std::filesystem::path cpuset;    // [process] cpuset: the workers' cgroup
};

std::vector<std::uint32_t> all_queues(const topology::host_snapshot& host, const std::string& ifname) {
  const topology::nic_info* nic = host.find_nic(ifname);
  if (!nic || nic->rx_queues == 0)
    throw std::invalid_argument(ifname + ": queues = \"all\" but /sys/class/net/" + ifname +
                                "/queues has no rx queue in this namespace; is the interface here? (`ip link show " +
                                ifname + "`)");
  std::vector<std::uint32_t> q(nic->rx_queues);
  for (std::uint32_t i = 0; i < q.size(); ++i) q[i] = i;
  return q;
}

// The validator's checks for what this interface will run: errors stop the
// start. A huge-page shortage is an error only for pages = "huge"; with a
// fallback it is what the fallback is for.
std::vector<topology::check_result> validate(const config::interface_config& c, const topology::host_root& root,
                                             const topology::host_snapshot& host, unsigned workers) {
  topology::validate_options vo;
  vo.iface = c.name;
  vo.workers = workers;
  vo.umem_bytes_per_worker = std::uint64_t{c.xsk.frames} * 4096;
  const auto report = topology::validate_host(root, host, vo);
  std::vector<topology::check_result> errors, warnings;
  for (const auto& r : report.checks) {
    if (r.level == topology::severity::error && r.id == "hugepages_free" && c.umem.pages != "huge") {
      topology::check_result w = r;
      w.level = topology::severity::warning;
      w.summary += "; pages = \"" + c.umem.pages + "\" falls back to normal pages";
      warnings.push_back(std::move(w));
    } else if (r.level == topology::severity::error) {
      errors.push_back(r);
    } else if (r.level == topology::severity::warning) {
      warnings.push_back(r);
    }
  }
  if (!errors.empty()) throw validation_failed(c.name, errors);
  return warnings;
}

// Grows the 2 MiB pool of the node the UMEMs go to by what its free pages
// lack for `workers` UMEMs (journaled with the tune, given back at the stop).
// A pool the kernel cannot grow is a warning here: for pages = "huge" the
// validator then stops the start with its remedies, the fallback pages use
// normal pages.
void reserve_umem_pages(const config::interface_config& c, const topology::host_snapshot& host, unsigned workers,
                        host_changes& changes, std::vector<topology::check_result>& warnings) {
  constexpr std::uint64_t size_kb = 2048;
  const std::uint64_t need = topology::umem_hugepages_needed(std::uint64_t{c.xsk.frames} * 4096, workers);
  const topology::umem_node placed = topology::umem_node_for(host, host.find_nic(c.name));
  const auto pool = topology::find_pool(host.hugepages, static_cast<int>(placed.node), size_kb);
  if (!pool || pool->free >= need) return;  // no pool: the validator says why
  try {
    (void)changes.reserve_hugepages(placed.node, size_kb, need - pool->free);
  } catch (const std::exception& e) {
    topology::check_result w;
    w.id = "hugepages_reserve";
    w.level = topology::severity::warning;
    w.summary = "could not grow the 2 MiB pool of node " + std::to_string(placed.node) + " (" + placed.why + ") by " +
                std::to_string(need - pool->free) + " pages: " + e.what();
    warnings.push_back(std::move(w));
  }
}

running_interface start_interface(const config::interface_config& c, const service_options& o) {
  running_interface r;
  std::optional<firewall::rule_set> rules;
  if (c.program == "firewall") {
    auto loaded = config::load_rule_files(c.rules);  // rule errors before anything changes on the host
    r.rules_per_file = loaded.per_file;
    rules = std::move(loaded.rules);
  }
  // Tuned first (or a dead service's journal replayed): new channels bring new queues.
  const ethtool::tune_request req = c.tune ? config::to_tune_request(*c.tune) : ethtool::tune_request{};
  r.tune.emplace(host_changes::start(c.name, req, o.run_dir, o.root));
  topology::host_snapshot host = topology::read_host(o.root);
  r.queues = c.queues ? *c.queues : all_queues(host, c.name);
  const auto workers = static_cast<unsigned>(r.queues.size());
  std::vector<topology::check_result> reserve_warnings;
  if (c.umem.pages != "normal" && c.umem.reserve) {
    reserve_umem_pages(c, host, workers, *r.tune, reserve_warnings);
    host.hugepages = topology::read_hugepage_pools(o.root);  // what the validator sees now
  }
  r.warnings = validate(c, o.root, host, workers);
  r.warnings.insert(r.warnings.begin(), reserve_warnings.begin(), reserve_warnings.end());
  if (c.cpus) {
    if (c.cpus->size() != r.queues.size())
      throw std::invalid_argument(c.name + ": " + std::to_string(c.cpus->size()) + " cpus for " +
                                  std::to_string(r.queues.size()) + " queues; give one per queue or cpus = \"auto\"");
    for (unsigned cpu : *c.cpus) r.cpus.push_back(static_cast<int>(cpu));
  } else {
    const auto plan = topology::plan_for_interface(host, c.name, static_cast<unsigned>(r.queues.size()));
    r.plan = plan.explanation;
    if (!plan.complete)
      throw std::invalid_argument(c.name + ": not enough CPUs for " + std::to_string(r.queues.size()) +
                                  " workers; give them with cpus = \"LIST\"");
    for (unsigned cpu : plan.workers) r.cpus.push_back(static_cast<int>(cpu));
  }
  engine_config ec = engine_config_from(words_of(c), c.name, r.queues, r.cpus);
  // The node the pool was sized and grown on (a veth has none of its own).
  r.umem_node = topology::umem_node_for(host, host.find_nic(c.name)).node;
  ec.umem.numa_node = static_cast<int>(r.umem_node);
  ec.firewall = std::move(rules);
  ec.firewall_ports = c.ports;
  ec.worker.drop_capabilities = true;  // a worker turns rings: it needs no privilege
  r.data_plane.emplace(engine::start(ec));
  return r;
}
}  // namespace

struct service::state {
  config::service_config config;
  service_options options;
  std::optional<host_settings> settings;  // [sysctl], [process] cpuset: undone after every interface
  std::vector<running_interface> interfaces;  // in config order
  std::uint64_t reloads_ok = 0, reloads_failed = 0;
  std::optional<unsigned> control_cpu;  // for up's own threads ([process] control_cpu)
  std::string control_why;
  bool shut = false;
  // Held by reload(), shut_down() and snapshot(): a scrape reads while the
  // owner may be swapping rules or tearing down.
  mutable std::mutex lock;
};

service service::start(const config::service_config& config, const service_options& options) {
  auto s = std::make_unique<state>();
  s->config = config;
  s->options = options;
  service out(std::move(s));
  // The settings first: the validator then sees the host as it will run.
  out.s_->settings.emplace(host_settings::start(out.s_->config.sysctl, options.run_dir, options.root));
  // One at a time, each kept as it starts: a failure unwinds the ones before
  // it through shut_down() in the destructor of `out`.
  for (const auto& c : out.s_->config.interfaces) {
    try {
      out.s_->interfaces.push_back(start_interface(c, options));
    } catch (const validation_failed&) {
      throw;
    } catch (const std::exception& e) {
      // Named by interface whatever threw it (once), keeping the kind of error.
      const std::string what = std::string(e.what()).rfind(c.name + ":", 0) == 0 ? e.what() : c.name + ": " + e.what();
      if (dynamic_cast<const std::invalid_argument*>(&e)) throw std::invalid_argument(what);
      throw std::runtime_error(what);
    }
  }
  if (out.s_->config.process.cpuset)
    for (std::size_t i = 0; i < out.s_->interfaces.size(); ++i) {
      auto& r = out.s_->interfaces[i];
      std::vector<pid_t> tids;
      std::vector<int> pins;
      for (const auto& [tid, cpu] : r.data_plane->worker_threads()) {
        tids.push_back(tid);
        pins.push_back(cpu);
      }
      try {
        r.cpuset = out.s_->settings->confine_workers(out.s_->config.interfaces[i].name, tids, pins, r.umem_node);
      } catch (const std::exception& e) {
        throw std::runtime_error(out.s_->config.interfaces[i].name + ": " + e.what());
      }
    }
  choose_control_cpu(*out.s_);
  return out;
}

void service::choose_control_cpu(state& s) {
  const int want = s.config.process.control_cpu;
  if (want == config::process_settings::kNone) {
    s.control_why = "not pinned ([process] control_cpu = \"none\")";
    return;
  }
  const topology::host_snapshot host = topology::read_host(s.options.root);
  if (want >= 0) {
    if (!host.cpus.online.contains(static_cast<unsigned>(want)))
      throw std::invalid_argument("[process] control_cpu = " + std::to_string(want) + " is not an online CPU (online: " +
                                  host.cpus.online.to_list() + ")");
    s.control_cpu = static_cast<unsigned>(want);
    s.control_why = "CPU " + std::to_string(want) + " ([process] control_cpu)";
    return;
  }
  topology::cpu_set workers;
  for (const auto& r : s.interfaces)
    for (int c : r.cpus) workers.add(static_cast<unsigned>(c));
  const topology::nic_info* nic = s.interfaces.empty() ? nullptr : host.find_nic(s.config.interfaces.front().name);
  const auto plan = topology::plan_cpus(host.cpus, host.numa, host.isolated_cpus(),
                                        topology::plan_request{nic ? nic->numa_node() : -1, 1, false, std::nullopt});
  if (plan.control && !workers.contains(*plan.control)) {
    s.control_cpu = plan.control;
    s.control_why = "CPU " + std::to_string(*plan.control) + ", the planner's control CPU (housekeeping, no worker)";
    return;
  }
  const topology::cpu_set isolated = host.isolated_cpus();
  for (unsigned c : host.cpus.online)
    if (!workers.contains(c) && !isolated.contains(c)) {
      s.control_cpu = c;
      s.control_why = "CPU " + std::to_string(c) + ", the first housekeeping CPU no worker uses";
      return;
    }
  s.control_cpu = plan.control;
  s.control_why = plan.control ? "CPU " + std::to_string(*plan.control) + ", shared with a worker: every CPU runs one"
                               : "not pinned: no CPU is online";
}

std::string service::pin_control_thread() const {
  if (!s_->control_cpu) return s_->control_why;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(*s_->control_cpu, &set);
  if (::sched_setaffinity(0, sizeof(set), &set) < 0)
    throw_os_error(errno, "pin the control thread to CPU " + std::to_string(*s_->control_cpu), "sched_setaffinity",
                   "a cgroup cpuset may not include it (cat /proc/self/status | grep Cpus_allowed_list)");
  return s_->control_why;
}

std::optional<unsigned> service::control_cpu() const { return s_->control_cpu; }

service::service(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
service::service(service&&) noexcept = default;
service& service::operator=(service&&) noexcept = default;
service::~service() {
  if (s_) (void)shut_down();
}

std::vector<interface_status> service::interfaces() const {
  std::vector<interface_status> out;
  for (std::size_t i = 0; i < s_->interfaces.size(); ++i) {
    const auto& r = s_->interfaces[i];
    if (!r.data_plane) continue;
    interface_status st{s_->config.interfaces[i], *r.data_plane, r.queues, r.cpus, r.plan, r.warnings, {}, {}, 0, r.rules_per_file, r.cpuset};
    if (r.tune) {
      st.replayed = r.tune->replayed();
      st.tuned = r.tune->applied();
      st.journal_entries = r.tune->entries();
    }
    out.push_back(std::move(st));
  }
  return out;
}

const config::service_config& service::config() const noexcept { return s_->config; }

service_snapshot service::snapshot() const {
  const std::lock_guard hold(s_->lock);
  service_snapshot out;
  out.reloads_ok = s_->reloads_ok;
  out.reloads_failed = s_->reloads_failed;
  for (std::size_t i = 0; i < s_->interfaces.size(); ++i) {
    const auto& r = s_->interfaces[i];
    if (!r.data_plane) continue;
    interface_snapshot is;
    is.name = s_->config.interfaces[i].name;
    is.program = r.data_plane->info().program;
    is.info = r.data_plane->info();
    is.stats = r.data_plane->stats();
    is.rule_hits = r.data_plane->rule_hits();
    is.journal_entries = r.tune ? r.tune->entries() : 0;
    out.interfaces.push_back(std::move(is));
  }
  return out;
}

reload_result service::reload(const config::service_config& next) {
  const std::lock_guard hold(s_->lock);
  reload_result res;
  const auto fail = [&](std::string why) {
    ++s_->reloads_failed;
    res.error = std::move(why);
    return res;
  };
  const auto& now = s_->config.interfaces;
  std::vector<std::string> restart;
  if (next.interfaces.size() != now.size()) restart.push_back("the list of interfaces");
  for (std::size_t i = 0; restart.empty() && i < now.size(); ++i) {
    if (next.interfaces[i].name != now[i].name) {
      restart.push_back("interface " + std::to_string(i) + " (" + now[i].name + " -> " + next.interfaces[i].name + ")");
      break;
    }
    for (auto& k : needs_restart(now[i], next.interfaces[i])) restart.push_back(std::move(k));
  }
  if (!(next.metrics == s_->config.metrics)) restart.push_back("metrics");
  if (!(next.process == s_->config.process)) restart.push_back("process");
  if (!(next.log == s_->config.log)) restart.push_back("log");
  if (next.sysctl != s_->config.sysctl) restart.push_back("sysctl");
  if (!restart.empty()) {
    std::string keys;
    for (const auto& k : restart) keys += (keys.empty() ? "" : ", ") + k;
    return fail("a reload swaps rule sets only; " + keys +
                " changed, which needs a restart (systemctl restart); the running set is kept");
  }
  // Every rule file read and compiled before any set is swapped, so one bad
  // file leaves every interface on its old rules.
  std::vector<std::optional<config::rule_files>> loaded(now.size());
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (now[i].program != "firewall") continue;
    try {
      loaded[i] = config::load_rule_files(next.interfaces[i].rules);
    } catch (const std::exception& e) {
      return fail(now[i].name + ": " + e.what() + "; the running set is kept");
    }
  }
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (!loaded[i]) continue;
    auto& r = s_->interfaces[i];
    try {
      r.data_plane->replace_rules(loaded[i]->rules);
    } catch (const std::exception& e) {
      // The interfaces before this one run their new sets; say so.
      std::string done;
      for (const auto& n : res.swapped) done += (done.empty() ? "" : ", ") + n;
      return fail(now[i].name + ": " + e.what() + "; its running set is kept" +
                  (done.empty() ? "" : " (" + done + " already run the new rules)"));
    }
    r.rules_per_file = loaded[i]->per_file;
    res.swapped.push_back(now[i].name);
    res.rule_counts.push_back(loaded[i]->rules.rules.size());
  }
  // What a reload may change is kept, so the next reload compares against it.
  for (std::size_t i = 0; i < now.size(); ++i) s_->config.interfaces[i].rules = next.interfaces[i].rules;
  s_->config.log = next.log;
  ++s_->reloads_ok;
  res.ok = true;
  return res;
}

std::uint64_t service::reloads_ok() const noexcept { return s_->reloads_ok; }
std::uint64_t service::reloads_failed() const noexcept { return s_->reloads_failed; }

std::optional<std::string> service::interface_lost() const {
  for (const auto& r : s_->interfaces)
    if (r.data_plane)
      if (auto why = r.data_plane->interface_lost()) return why;
  return std::nullopt;
}

void service::stall_worker_for_test(const std::string& ifname, std::uint32_t queue, bool stall) {
  for (std::size_t i = 0; i < s_->interfaces.size(); ++i)
    if (s_->config.interfaces[i].name == ifname && s_->interfaces[i].data_plane) {
      s_->interfaces[i].data_plane->stall_worker_for_test(queue, stall);
      return;
    }
  throw std::invalid_argument("the service runs no interface " + xdpkit::quote(ifname));
}

std::vector<std::string> heartbeat_watch::stalled(const std::vector<interface_status>& interfaces) {
  std::vector<std::string> out;
  for (const auto& i : interfaces)
    for (const auto& q : i.data_plane.stats().queues) {
      const auto key = std::make_pair(i.config.name, q.queue);
      const auto it = last_.find(key);
      if (it != last_.end() && it->second == q.heartbeat) out.push_back(i.config.name + " queue " + std::to_string(q.queue));
      last_[key] = q.heartbeat;
    }
  return out;
}

void service::stop() noexcept {
  for (auto& r : s_->interfaces)
    if (r.data_plane) r.data_plane->stop();
}

service::shutdown_report service::shut_down() {
  const std::lock_guard hold(s_->lock);
  shutdown_report rep;
  if (s_->shut) return rep;
  s_->shut = true;
  // Every data plane detaches before any NIC setting goes back: a channel
  // change under a bound socket would pull its queue away.
  for (auto it = s_->interfaces.rbegin(); it != s_->interfaces.rend(); ++it) it->data_plane.reset();
  for (auto it = s_->interfaces.rbegin(); it != s_->interfaces.rend(); ++it) {
    if (!it->tune) continue;
    const std::string name = it->tune->ifname();
    try {
      auto steps = it->tune->revert();
      if (!steps.empty()) rep.reverted.emplace_back(name, std::move(steps));
    } catch (const std::exception& e) {
      rep.failures.push_back(name + ": " + e.what() + " (kept in " + it->tune->journal_path().string() +
                             "; `xdpkit clean` or the next `xdpkit up` replays it)");
    }
    it->tune.reset();
  }
  if (s_->settings) {
    try {
      auto steps = s_->settings->revert();
      if (!steps.empty()) rep.reverted.emplace_back("host", std::move(steps));
    } catch (const std::exception& e) {
      rep.failures.push_back(std::string("host settings: ") + e.what() + " (kept in " + s_->settings->journal_path().string() +
                             "; `xdpkit clean` or the next `xdpkit up` replays it)");
    }
    s_->settings.reset();
  }
  return rep;
}

const std::vector<ethtool::step_report>& service::settings_replayed() const {
  static const std::vector<ethtool::step_report> none;
  return s_->settings ? s_->settings->replayed() : none;
}
const std::vector<ethtool::step_report>& service::settings_applied() const {
  static const std::vector<ethtool::step_report> none;
  return s_->settings ? s_->settings->applied() : none;
}

}  // namespace xdpkit::service
