// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/engine.hpp"

#include <net/if.h>

#include <cerrno>
#include <optional>
#include <stdexcept>

#include "xdpkit/ethtool/info.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/firewall/firewall_program.hpp"
#include "xdpkit/userspace/interface_watch.hpp"
#include "xdpkit/topology/numa_maps.hpp"

namespace xdpkit {

worker_counters engine_stats::total() const {
  worker_counters t;
  for (const auto& q : queues) {
    t.rx_packets += q.worker.rx_packets;
    t.rx_bytes += q.worker.rx_bytes;
    t.tx_packets += q.worker.tx_packets;
    t.dropped += q.worker.dropped;
    t.tx_ring_full += q.worker.tx_ring_full;
    t.rx_wakeups += q.worker.rx_wakeups;
    t.tx_kicks += q.worker.tx_kicks;
    t.polls += q.worker.polls;
    t.kick_retries += q.worker.kick_retries;
    t.kick_errors += q.worker.kick_errors;
    if (q.worker.last_kick_error) t.last_kick_error = q.worker.last_kick_error;
  }
  return t;
}

std::uint64_t engine_stats::kernel_drops() const {
  std::uint64_t d = 0;
  for (const auto& q : queues)
    d += q.kernel.rx_dropped + q.kernel.rx_ring_full + q.kernel.rx_invalid_descs + q.kernel.tx_invalid_descs;
  return d;
}

namespace {
// One queue's data path. Members are destroyed bottom-up: the worker stops
// before its socket closes, the socket closes before its UMEM is freed.
struct queue_path {
  queue_path(std::uint32_t q, umem a, xsk_socket s) : queue(q), area(std::move(a)), sock(std::move(s)) {}
  std::uint32_t queue;
  umem area;
  xsk_socket sock;
  std::optional<worker> poller;
};
}  // namespace

// Some drivers lose their RSS programming in the device when an XDP program
// is attached or detached, while still reporting the table (virtio-net; see
// ethtool::rss_lost_on_xdp_change): steering would silently stop following
// the table. rewrite() writes it again after the attach; the destructor does
// it again after the detach, through the same transport, whose sockets stay in
// the namespace the engine started in whichever thread destroys it.
class rss_after_xdp {
 public:
  rss_after_xdp() = default;
  rss_after_xdp(const rss_after_xdp&) = delete;
  rss_after_xdp& operator=(const rss_after_xdp&) = delete;
  ~rss_after_xdp() {
    if (ifname_.empty()) return;
    try {
      rewrite_now(*nic_, ifname_);
    } catch (const std::exception&) {
      // Nothing to tell anyone at this point; the table stays as the driver left it.
    }
  }

  // Returns what was done, for the start line ("" when the driver needs nothing).
  std::string rewrite(std::shared_ptr<ethtool::transport> nic, const std::string& ifname) {
    try {
      if (!nic) nic = ethtool::make_kernel_transport();
      if (!rewrite_now(*nic, ifname)) return "";
      ifname_ = ifname;
      nic_ = std::move(nic);
      return "the RSS table was written again after the XDP attach (virtio_net's attach turns the device's RSS "
             "off while the driver keeps reporting the table); it is written again after the detach";
    } catch (const std::exception& e) {
      return std::string("could not write the RSS table again after the XDP attach, so flows may not follow it: ") +
             e.what();
    }
  }

 private:
  static bool rewrite_now(ethtool::transport& nic, const std::string& ifname) {
    const ethtool::device dev(nic, ifname);
    const auto info = ethtool::get_driver_info(dev);
    if (!info || !ethtool::rss_lost_on_xdp_change(info->driver)) return false;
    return ethtool::rewrite_rss_table(dev);
  }
  std::string ifname_;
  std::shared_ptr<ethtool::transport> nic_;
};

struct engine::state {
  state(const engine_config& c, engine_host h) : config(c), host(std::move(h)) {}
  engine_config config;
  engine_host host;
  engine_info info;
  rss_after_xdp rss;  // before the programs: destroyed after they detach
  // Exactly one of the two is attached.
  std::optional<steer_program> steer;
  std::optional<firewall::firewall_program> fw;
  std::vector<std::unique_ptr<queue_path>> paths;  // after the programs: closed before detach
  std::optional<interface_watch> watch;  // made in the namespace the engine starts in

  void bind(std::uint32_t queue, int fd) {
    if (fw) fw->bind_queue(queue, fd);
    else steer->bind_queue(queue, fd);
  }
  void unbind(std::uint32_t queue) noexcept {
    if (fw) fw->unbind_queue(queue);
    else if (steer) steer->unbind_queue(queue);
  }
  const xdp_attachment& attachment() const { return fw ? fw->attachment() : steer->attachment(); }

  ~state() {
    // Unhook the sockets first so the program stops redirecting into sockets
    // that are about to close.
    for (auto& p : paths) {
      if (p->poller) p->poller->stop();
      unbind(p->queue);
    }
  }
};

engine::engine(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
engine::engine(engine&&) noexcept = default;
engine& engine::operator=(engine&&) noexcept = default;
engine::~engine() = default;

namespace {
// The design says "verified afterwards": mbind is a request, and the kernel
// may fall back (an empty node, a cpuset). The truth is in numa_maps.
void record_placement(engine_info& info, const std::vector<const umem*>& areas, int wanted_node,
                      const topology::host_root& root) {
  try {
    const auto maps = topology::read_numa_maps(root);
    for (const umem* a : areas) {
      const auto* m = topology::find_mapping(maps, reinterpret_cast<std::uintptr_t>(a->base()));
      if (!m) continue;
      const std::uint64_t page = m->kernel_page_size_kb ? m->kernel_page_size_kb * 1024 : 4096;
      for (const auto& [node, pages] : m->pages_per_node) info.umem_bytes_per_node[node] += pages * page;
    }
  } catch (const std::exception& e) {
    info.umem_placement_note = std::string("UMEM placement unknown: ") + e.what();
    return;
  }
  if (wanted_node < 0) return;
  std::uint64_t off = 0;
  for (const auto& [node, bytes] : info.umem_bytes_per_node)
    if (static_cast<int>(node) != wanted_node) off += bytes;
  if (off)
    info.umem_placement_note = std::to_string(off >> 10) + " KiB of UMEM landed off node " +
                               std::to_string(wanted_node) +
                               " (the NIC's): is the node short of huge pages? see `xdpkit topology`";
}
}  // namespace


engine engine::start(const engine_config& config, engine_host host) {
  if (config.queues.empty()) throw std::invalid_argument("engine: no queue given");
  if (!config.cpus.empty() && config.cpus.size() != config.queues.size())
    throw std::invalid_argument("engine: " + std::to_string(config.cpus.size()) + " CPUs given for " +
                                std::to_string(config.queues.size()) + " queues; give one per queue");
  validate(config.umem);

  auto st = std::make_unique<state>(config, std::move(host));
  if (config.firewall) {
    const auto compiled = firewall::compile(*config.firewall);  // rule errors before touching the NIC
    const auto ports = firewall::resolve_ports(*config.firewall, config.firewall_ports);
    firewall::program_options fw_options;
    fw_options.no_socket_pass = config.steer.no_socket == no_socket_policy::pass;
    fw_options.multi_buffer = config.steer.multi_buffer;
    st->fw.emplace(firewall::firewall_program::attach(config.ifname, config.steer.mode, fw_options));
    for (const auto& [slot, ifindex] : ports) st->fw->set_port(slot, ifindex);
    st->fw->apply(compiled);
    st->info.program = "firewall";
  } else {
    st->steer.emplace(steer_program::attach(config.ifname, config.steer));
    st->info.program = "steer";
  }
  st->info.rss_note = st->rss.rewrite(st->host.nic, config.ifname);
  const auto& a = st->attachment();
  st->info.mode = a.mode();
  st->info.mode_fallback = a.fallback_reason();
  st->info.dispatcher = a.via_dispatcher();
  st->info.backend = a.backend();
  st->info.backend_reason = probe_dispatcher_support().reason;

  for (std::size_t i = 0; i < config.queues.size(); ++i) {
    const std::uint32_t q = config.queues[i];
    umem area = umem::create(config.umem);
    xsk_socket sock = xsk_socket::create(area, config.ifname, q, config.xsk);
    auto path = std::make_unique<queue_path>(q, std::move(area), std::move(sock));
    st->info.zero_copy = path->sock.zero_copy();
    st->info.huge_pages = path->area.on_huge_pages();
    st->info.pages_fallback = path->area.fallback_reason();
    worker_config wc = config.worker;
    wc.cpu = config.cpus.empty() ? -1 : config.cpus[i];
    // The worker is running and its fill ring primed (the constructor waits
    // for that) before the socket goes in the map and the first packet comes.
    if (config.make_worker)
      path->poller.emplace(config.make_worker(path->sock, path->area, wc));
    else
      path->poller.emplace(path->sock, path->area, config.handler, wc);
    st->bind(q, path->sock.fd());
    st->paths.push_back(std::move(path));
  }
  st->watch.emplace(config.ifname, st->attachment().ifindex());
  std::vector<const umem*> areas;
  for (const auto& p : st->paths) areas.push_back(&p->area);
  record_placement(st->info, areas, config.umem.numa_node, st->host.root);
  return engine(std::move(st));
}

data_plane_fds engine::fds() const {
  data_plane_fds out;
  out.program = s_->attachment().program_fd();
  out.maps = s_->fw ? s_->fw->map_fds() : s_->steer->map_fds();
  for (const auto& p : s_->paths) out.queues.push_back({p->queue, p->sock.fd(), p->area.memfd(), p->area.mapped_size()});
  return out;
}

engine_stats engine::stats() const {
  engine_stats out;
  if (s_->fw) {
    const xdpkit_fw_stats f = s_->fw->stats();
    out.firewall = f;
    out.program = {};
    out.program.rx_packets = f.rx;
    out.program.redirected = f.verdict[XDPKIT_FW_V_REDIRECT];
    out.program.passed = f.verdict[XDPKIT_FW_V_PASS];
    out.program.dropped = f.verdict[XDPKIT_FW_V_DROP] + f.verdict[XDPKIT_FW_V_ABORTED];
  } else {
    out.program = s_->steer->counters();
  }
  for (const auto& p : s_->paths) {
    queue_stats q;
    q.queue = p->queue;
    q.cpu = p->poller->cpu();
    q.worker = p->poller->counters();
    q.kernel = p->sock.statistics();
    q.cpu_time = p->poller->cpu_time();
    q.sleeps = p->poller->sleeps(s_->host.root);
    q.napi_id = p->sock.napi_id();
    q.sched_policy = p->poller->sched_policy();
    q.heartbeat = p->poller->heartbeat();
    out.queues.push_back(q);
  }
  return out;
}

void engine::replace_rules(const firewall::rule_set& rules) {
  if (!s_->fw)
    throw std::invalid_argument(s_->config.ifname + " runs the steer program, which has no rules: a firewall needs "
                                "program = \"firewall\" and a restart");
  const auto compiled = firewall::compile(rules);
  (void)firewall::resolve_ports(rules, s_->config.firewall_ports);  // the ports stay; the new rules must fit them
  s_->fw->apply(compiled);
  s_->config.firewall = rules;
}

void engine::stall_worker_for_test(std::uint32_t queue, bool stall) {
  for (auto& p : s_->paths)
    if (p->queue == queue && p->poller) {
      p->poller->stall_for_test(stall);
      return;
    }
  throw std::invalid_argument(s_->config.ifname + " has no worker on queue " + std::to_string(queue));
}

std::vector<std::pair<pid_t, int>> engine::worker_threads() const {
  std::vector<std::pair<pid_t, int>> out;
  for (const auto& p : s_->paths)
    if (p->poller) out.emplace_back(p->poller->thread_id(), p->poller->cpu());
  return out;
}

std::vector<std::uint64_t> engine::rule_hits() const {
  if (!s_->fw) return {};
  return s_->fw->rule_hits(s_->config.firewall->rules.size());
}

std::optional<std::string> engine::interface_lost() const { return s_->watch->lost(); }

const engine_info& engine::info() const noexcept { return s_->info; }
const engine_config& engine::config() const noexcept { return s_->config; }

void engine::stop() noexcept {
  for (auto& p : s_->paths)
    if (p->poller) p->poller->stop();
}

}  // namespace xdpkit
