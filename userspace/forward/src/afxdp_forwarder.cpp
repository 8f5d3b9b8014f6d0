// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/forward/afxdp_forwarder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <net/if.h>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/firewall/firewall_program.hpp"
#include "xdpkit/userspace/frame_stack.hpp"

namespace xdpkit::forward {

// After the worker has stopped and the sockets left the programs' maps: the
// rx rings' leftovers go back, and every frame must now be free, in a fill
// ring, or in the kernel, once. "In the kernel" is exact from the rings'
// free-running indices: what the kernel took from a socket's fill ring and
// has not put on its rx ring. Copy mode holds none at rest (a frame is taken
// only for a packet that came, bar one dropped on a full rx ring); a
// zero-copy driver stocks its own rx ring from the fill ring in advance and
// gives the frames back only when the socket closes (virtio_net on 7.3: ~230
// of a queue pair's 1,024). A frame lost or used twice still shows.
void detail::queue_pair::drain_and_account() noexcept {
  xsk_socket& a = *sa;
  xsk_socket& b = *sb;
  frame_stack& free = *free_frames;
  const std::uint32_t frame_size = area.config().frame_size;
  const std::uint32_t frames = area.config().frame_count;
  std::vector<std::uint32_t> seen(frames, 0);
  std::uint32_t outside = 0;
  const auto note = [&](std::uint64_t addr) {
    const std::uint64_t i = addr / frame_size;
    if (i < frames) ++seen[i];
    else ++outside;
  };
  for (xsk_socket* s : {&a, &b}) {
    std::uint32_t idx;
    const std::uint32_t n = xsk_ring_cons__peek(&s->rx(), frames, &idx);
    for (std::uint32_t i = 0; i < n; ++i) note(xsk_ring_cons__rx_desc(&s->rx(), idx + i)->addr);
    xsk_ring_cons__release(&s->rx(), n);
    xsk_ring_prod& fq = s->fill();
    const std::uint32_t cons = __atomic_load_n(fq.consumer, __ATOMIC_ACQUIRE);
    for (std::uint32_t i = cons; i != fq.cached_prod; ++i) note(*xsk_ring_prod__fill_addr(&fq, i));
  }
  std::uint32_t kernel_holds = 0;
  for (xsk_socket* s : {&a, &b}) {
    const std::uint32_t taken = __atomic_load_n(s->fill().consumer, __ATOMIC_ACQUIRE);
    const std::uint32_t received = __atomic_load_n(s->rx().producer, __ATOMIC_ACQUIRE);
    kernel_holds += taken - received;  // unsigned: right across the indices' wrap
  }
  std::vector<std::uint64_t> held;
  while (!free.empty()) held.push_back(free.pop());
  for (auto it = held.rbegin(); it != held.rend(); ++it) {
    note(*it);
    free.push(*it);
  }
  std::uint32_t once = 0, twice = 0, missing = 0;
  for (std::uint32_t v : seen) {
    once += v == 1;
    twice += v > 1;
    missing += v == 0;
  }
  in_kernel = kernel_holds;
  accounted = missing == kernel_holds ? once + kernel_holds : once;
  if (twice || missing != kernel_holds || outside || in_flight_a || in_flight_b)
    accounting_error = fmt::format(
        "queue {}: of {} frames {} found once, {} more than once, {} nowhere where the kernel holds {} (taken from a "
        "fill ring, not received), {} still on a tx ring, {} addresses outside the UMEM",
        queue, frames, once, twice, missing, kernel_holds, in_flight_a + in_flight_b, outside);
}

bool sends_to_sockets(const firewall::rule_set& rules) noexcept {
  for (const auto& r : rules.rules)
    if (r.action == XDPKIT_FW_REDIRECT_XSK) return true;
  return rules.default_action == XDPKIT_FW_REDIRECT_XSK || rules.not_ip_action == XDPKIT_FW_REDIRECT_XSK;
}

namespace {
// The firewall on `ifname`, its `peer` slot filled with `peer`, with no rules
// yet: until apply() every frame passes to the stack, as without it.
firewall::firewall_program attach_firewall(const std::string& ifname, const std::string& peer,
                                           const std::map<std::uint32_t, int>& ports, const steer_options& o) {
  firewall::program_options po;
  po.no_socket_pass = o.no_socket == no_socket_policy::pass;
  po.multi_buffer = o.multi_buffer;
  firewall::firewall_program fw = firewall::firewall_program::attach(ifname, o.mode, po);
  const unsigned peer_index = if_nametoindex(peer.c_str());
  if (!peer_index) throw_os_error(errno, "find the peer interface for redirect-dev peer", peer);
  fw.set_port(XDPKIT_FW_PEER_SLOT, static_cast<int>(peer_index));
  for (const auto& [slot, ifindex] : ports) fw.set_port(slot, ifindex);
  return fw;
}
}  // namespace

struct afxdp_forwarder::state {
  afxdp_forwarder_config config;
  // One program per interface: the steer program, or the firewall with rules.
  std::optional<steer_program> pa, pb;
  std::optional<firewall::firewall_program> fa, fb;
  std::vector<std::unique_ptr<detail::queue_pair>> pairs;
  std::vector<std::string> notes;
  bool stopped = false;
  ~state() {
    stop();
    // Sockets leave the maps before they close; the programs detach last.
    pairs.clear();
    pb.reset();
    pa.reset();
    fb.reset();
    fa.reset();
  }
  void bind(bool of_a, std::uint32_t q, int fd) {
    if (auto& steer = of_a ? pa : pb) steer->bind_queue(q, fd);
    if (auto& fw = of_a ? fa : fb) fw->bind_queue(q, fd);
  }
  void unbind(bool of_a, std::uint32_t q) noexcept {
    if (auto& steer = of_a ? pa : pb) steer->unbind_queue(q);
    if (auto& fw = of_a ? fa : fb) fw->unbind_queue(q);
  }
  void attach_programs() {
    if (!config.rules) {
      pa.emplace(steer_program::attach(config.a, config.steer));
      pb.emplace(steer_program::attach(config.b, config.steer));
      return;
    }
    const firewall::compiled_rules compiled = firewall::compile(config.rules->rules);  // errors before any attach
    if (config.rules->ports.count(XDPKIT_FW_PEER_SLOT))
      throw std::invalid_argument(fmt::format("--port {}={}: slot {} is `peer` under forward (the other interface)",
                                              XDPKIT_FW_PEER_SLOT, config.rules->ports.at(XDPKIT_FW_PEER_SLOT),
                                              XDPKIT_FW_PEER_SLOT));
    const auto ports = firewall::resolve_ports(config.rules->rules, config.rules->ports, {XDPKIT_FW_PEER_SLOT});
    fa.emplace(attach_firewall(config.a, config.b, ports, config.steer));
    fb.emplace(attach_firewall(config.b, config.a, ports, config.steer));
    // The rules go live once both are attached: a driver may refuse XDP
    // frames while it has no program of its own (virtio_net: ENXIO), and
    // redirect-dev peer would send it some.
    fa->apply(compiled);
    fb->apply(compiled);
  }
  void stop() noexcept {
    if (stopped) return;
    stopped = true;
    // The sockets leave the programs' maps first, while the workers still
    // run: a frame redirected a moment before the unbind may still be on its
    // way into a ring, and a worker serves its rx rings empty before it exits,
    // so nothing sent to a socket is left unprocessed (the first version
    // stopped the workers first: up to a poll timeout of frames stayed on the
    // rx rings, counted by the rules as to the handler and never out).
    for (auto& p : pairs) {
      unbind(true, p->queue);
      unbind(false, p->queue);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& p : pairs) p->stopping.store(true);
    for (auto& p : pairs)
      if (p->thread.joinable()) p->thread.join();
    for (auto& p : pairs)
      if (p->sa && p->sb) p->drain_and_account();
    // Detached, so what the counters say next is final: the rules would
    // otherwise go on sending frames across in XDP, uncounted by the summary.
    for (auto* steer : {&pa, &pb})
      if (*steer) (*steer)->detach();
    for (auto* fw : {&fa, &fb})
      if (*fw) (*fw)->detach();
  }
};

afxdp_forwarder::afxdp_forwarder(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
afxdp_forwarder::afxdp_forwarder(afxdp_forwarder&&) noexcept = default;
afxdp_forwarder& afxdp_forwarder::operator=(afxdp_forwarder&&) noexcept = default;
afxdp_forwarder::~afxdp_forwarder() = default;

afxdp_forwarder afxdp_forwarder::start(const afxdp_forwarder_config& config) {
  if (config.a == config.b)
    throw std::invalid_argument("forward " + config.a + " " + config.b +
                                ": the AF_XDP path needs two interfaces (for one, `xdpkit run --handler l2fwd`)");
  if (config.queues.empty() && !(config.rules && !sends_to_sockets(config.rules->rules)))
    throw std::invalid_argument("forward " + config.a + " " + config.b + ": no queue to bind");
  if (!config.cpus.empty() && config.cpus.size() != config.queues.size())
    throw std::invalid_argument(fmt::format("{} CPUs for {} queue pairs: give one per queue", config.cpus.size(),
                                            config.queues.size()));
  auto st = std::make_unique<state>();
  st->config = config;
  afxdp_forwarder out(std::move(st));  // a throw below unwinds what was made
  state& s = *out.s_;
  s.attach_programs();
  const pair_loop loop = config.loop ? config.loop : forward_handler(io_handler{});
  xsk_config xc = config.xsk;
  xc.with_tx = true;
  for (std::size_t i = 0; i < config.queues.size(); ++i) {
    const std::uint32_t q = config.queues[i];
    std::unique_ptr<detail::queue_pair> p;
    xsk_config xq = xc;
    for (int attempt = 0;; ++attempt) {
      p.reset();  // a retry's sockets must be gone before it binds the same queues again
      p = std::make_unique<detail::queue_pair>(q, config.cpus.empty() ? -1 : config.cpus[i], umem::create(config.umem),
                                               detail::pair_settings{config.batch, config.wait, config.poll_timeout_ms});
      p->sa.emplace(xsk_socket::create(p->area, config.a, q, xq));
      try {
        p->sb.emplace(xsk_socket::create_shared(p->area, config.b, q, xq));
        break;
      } catch (const os_error& e) {
        if (!p->sa->zero_copy()) throw;
        // The kernel binds a socket that shares a UMEM in the mode of the UMEM's
        // first socket (xp_assign_dev_shared): A in zero-copy makes B zero-copy or nothing.
        const std::string why = fmt::format(
            "a UMEM shared by two sockets binds both in its first socket's mode, and {} is zero-copy while {} could "
            "not bind zero-copy",
            config.a, config.b);
        if (xq.mode == bind_mode::automatic && attempt == 0) {
          s.notes.push_back(fmt::format("queue {}: {}: both sockets are bound in copy mode", q, why));
          xq.mode = bind_mode::copy;
          continue;
        }
        throw_os_error(e.err(), "bind AF_XDP socket sharing " + config.a + "'s UMEM (zero-copy)",
                       config.b + " queue " + std::to_string(q), why + "; forward with --bind copy or auto");
      }
    }
    p->free_frames.emplace(p->area.config().frame_count);
    p->free_frames->seed(0, p->area.config().frame_count, p->area.config().frame_size);
    std::promise<int> started;
    auto ready = started.get_future();
    detail::queue_pair* raw = p.get();
    p->thread = std::thread([raw, loop, &started] { loop(*raw, started); });  // its own copy: it outlives start()
    if (int err = ready.get()) {
      p->thread.join();
      throw_os_error(err, "pin the forwarding worker to CPU " + std::to_string(p->cpu),
                     config.a + " and " + config.b + " queue " + std::to_string(q));
    }
    s.pairs.push_back(std::move(p));  // from here stop() joins its worker, whatever throws next
    // Both fill rings are primed: only now may packets be redirected to them.
    s.bind(true, q, raw->sa->fd());
    s.bind(false, q, raw->sb->fd());
  }
  return out;
}

std::vector<afxdp_pair_stats> afxdp_forwarder::stats() const {
  std::vector<afxdp_pair_stats> out;
  for (const auto& p : s_->pairs) {
    afxdp_pair_stats st;
    st.queue = p->queue;
    st.cpu = p->cpu;
    st.a_to_b = p->pub_ab.load();
    st.b_to_a = p->pub_ba.load();
    try {
      st.a = p->sa->statistics();
      st.b = p->sb->statistics();
    } catch (const std::exception&) {
      // A socket whose interface went away has no statistics: zeros say nothing was read.
    }
    st.frames = p->area.config().frame_count;
    st.frames_accounted = p->accounted;
    st.frames_in_kernel = p->in_kernel;
    st.accounting_error = p->accounting_error;
    out.push_back(st);
  }
  return out;
}

steer_counters afxdp_forwarder::program_counters(bool of_a) const {
  const auto& p = of_a ? s_->pa : s_->pb;
  return p ? p->counters() : steer_counters{};
}
std::optional<xdpkit_fw_stats> afxdp_forwarder::firewall_counters(bool of_a) const {
  const auto& f = of_a ? s_->fa : s_->fb;
  if (!f) return std::nullopt;
  return f->stats();
}
void afxdp_forwarder::stop() noexcept { s_->stop(); }
bool afxdp_forwarder::zero_copy() const noexcept {
  for (const auto& p : s_->pairs)
    if (!p->sa->zero_copy() || !p->sb->zero_copy()) return false;
  return !s_->pairs.empty();
}
const afxdp_forwarder_config& afxdp_forwarder::config() const noexcept { return s_->config; }
const std::vector<std::string>& afxdp_forwarder::notes() const noexcept { return s_->notes; }

}  // namespace xdpkit::forward
