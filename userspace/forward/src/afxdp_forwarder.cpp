// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/forward/afxdp_forwarder.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/userspace/frame_stack.hpp"

namespace xdpkit::forward {

namespace {

constexpr std::uint32_t kMaxBatch = 256;

struct published_direction {
  std::atomic<std::uint64_t> rx_packets{0}, rx_bytes{0}, tx_packets{0}, tx_ring_full{0};
  void store(const afxdp_direction_counters& c) noexcept {
    rx_packets.store(c.rx_packets, std::memory_order_relaxed);
    rx_bytes.store(c.rx_bytes, std::memory_order_relaxed);
    tx_packets.store(c.tx_packets, std::memory_order_relaxed);
    tx_ring_full.store(c.tx_ring_full, std::memory_order_relaxed);
  }
  afxdp_direction_counters load() const noexcept {
    return {rx_packets.load(std::memory_order_relaxed), rx_bytes.load(std::memory_order_relaxed),
            tx_packets.load(std::memory_order_relaxed), tx_ring_full.load(std::memory_order_relaxed)};
  }
};

// A kick the kernel answers "busy, again" is retried by the next turn; the rest are ignored here
// (a link that goes down comes back without the worker's help).
void kick_tx(xsk_socket& s) noexcept {
  if (!s.need_wakeup() || xsk_ring_prod__needs_wakeup(&s.tx())) (void)sendto(s.fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0);
}

}  // namespace

// One queue pair: members go bottom-up, the UMEM last (both sockets map it).
struct queue_pair {
  queue_pair(std::uint32_t q, int c, umem u) : queue(q), cpu(c), area(std::move(u)) {}
  std::uint32_t queue;
  int cpu;
  umem area;
  std::optional<xsk_socket> sa, sb;
  std::optional<frame_stack> free_frames;
  std::uint64_t in_flight_a = 0, in_flight_b = 0;  // on a's and b's tx rings, not yet completed
  afxdp_direction_counters ab{}, ba{};
  published_direction pub_ab, pub_ba;
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::optional<std::uint32_t> accounted;
  std::string accounting_error;

  void run(const afxdp_forwarder_config& c, std::promise<int>& started) noexcept;
  void drain_and_account() noexcept;
};

void queue_pair::run(const afxdp_forwarder_config& c, std::promise<int>& started) noexcept {
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
      started.set_value(err);
      return;
    }
  }
  xsk_socket& a = *sa;
  xsk_socket& b = *sb;
  frame_stack& free = *free_frames;
  const std::uint32_t frame_size = area.config().frame_size;
  const std::uint32_t batch = std::min(c.batch, kMaxBatch);
  const auto base = [frame_size](std::uint64_t addr) { return addr - addr % frame_size; };

  auto refill = [&](xsk_ring_prod& fq, std::uint32_t most) {
    std::uint32_t n = std::min({xsk_prod_nb_free(&fq, most), free.size(), most});
    if (!n) return;
    std::uint32_t idx;
    if (xsk_ring_prod__reserve(&fq, n, &idx) != n) return;
    for (std::uint32_t i = 0; i < n; ++i) *xsk_ring_prod__fill_addr(&fq, idx + i) = free.pop();
    xsk_ring_prod__submit(&fq, n);
  };
  auto complete = [&](xsk_socket& s, std::uint64_t& in_flight, afxdp_direction_counters& dir) {
    xsk_ring_cons& cq = s.completion();
    std::uint32_t idx;
    const std::uint32_t n = xsk_ring_cons__peek(&cq, kMaxBatch, &idx);
    for (std::uint32_t i = 0; i < n; ++i) free.push(base(*xsk_ring_cons__comp_addr(&cq, idx + i)));
    if (n) {
      xsk_ring_cons__release(&cq, n);
      in_flight -= n;
      dir.tx_packets += n;
    }
  };
  // rx of `from` onto the tx ring of `to`, the descriptors as they are.
  auto forward = [&](xsk_socket& from, xsk_socket& to, std::uint64_t& to_in_flight, afxdp_direction_counters& dir,
                     afxdp_direction_counters&) -> std::uint32_t {
    std::uint32_t idx;
    const std::uint32_t n = xsk_ring_cons__peek(&from.rx(), batch, &idx);
    if (!n) return 0;
    std::uint32_t tidx = 0;
    bool room = xsk_ring_prod__reserve(&to.tx(), n, &tidx) == n;
    if (!room) {  // make room once; still full means the far link is slower than this one
      complete(to, to_in_flight, dir);
      kick_tx(to);
      room = xsk_ring_prod__reserve(&to.tx(), n, &tidx) == n;
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      const xdp_desc* d = xsk_ring_cons__rx_desc(&from.rx(), idx + i);
      dir.rx_bytes += d->len;
      if (room) {
        xdp_desc* t = xsk_ring_prod__tx_desc(&to.tx(), tidx + i);
        t->addr = xsk_umem__extract_addr(d->addr);
        t->len = d->len;
        t->options = 0;
      } else {
        free.push(base(xsk_umem__extract_addr(d->addr)));
      }
    }
    xsk_ring_cons__release(&from.rx(), n);
    dir.rx_packets += n;
    if (room) {
      xsk_ring_prod__submit(&to.tx(), n);
      to_in_flight += n;
      kick_tx(to);
    } else {
      dir.tx_ring_full += n;
    }
    return n;
  };

  // Each fill ring holds at most half the frames: an interface that receives
  // nothing would otherwise end up hoarding them all while the busy one starves
  // (the first version did: 4,000 frames through, then the sender's ring had none).
  const std::uint32_t frames = area.config().frame_count;
  const std::uint32_t fill_target = frames / 2;
  const auto top_up = [&](xsk_ring_prod& fq) {
    const std::uint32_t queued = fq.cached_prod - __atomic_load_n(fq.consumer, __ATOMIC_ACQUIRE);
    if (queued < fill_target) refill(fq, fill_target - queued);
  };
  top_up(a.fill());
  top_up(b.fill());
  started.set_value(0);
  const std::uint32_t refill_at = std::max<std::uint32_t>(1, std::min(batch, frames / 4));
  while (!stopping.load(std::memory_order_relaxed)) {
    if (in_flight_b) complete(b, in_flight_b, ab);
    if (in_flight_a) complete(a, in_flight_a, ba);
    if (in_flight_b) kick_tx(b);  // copy mode sends only inside sendto()
    if (in_flight_a) kick_tx(a);
    if (free.size() >= refill_at) {
      top_up(a.fill());
      top_up(b.fill());
    }
    const std::uint32_t n = forward(a, b, in_flight_b, ab, ba) + forward(b, a, in_flight_a, ba, ab);
    pub_ab.store(ab);
    pub_ba.store(ba);
    if (n) continue;
    if (c.wait == wait_mode::poll) {
      pollfd p[2] = {{a.fd(), POLLIN, 0}, {b.fd(), POLLIN, 0}};
      (void)poll(p, 2, in_flight_a || in_flight_b ? 1 : c.poll_timeout_ms);
    } else {
      for (xsk_socket* s : {&a, &b})
        if (s->need_wakeup() && xsk_ring_prod__needs_wakeup(&s->fill()))
          (void)recvfrom(s->fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
    }
  }
  // The last transmissions complete (bounded), so tx counts what left.
  for (int i = 0; i < 200 && (in_flight_a || in_flight_b); ++i) {
    kick_tx(a);
    kick_tx(b);
    complete(b, in_flight_b, ab);
    complete(a, in_flight_a, ba);
    if (in_flight_a || in_flight_b) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  pub_ab.store(ab);
  pub_ba.store(ba);
}

// After the worker has stopped and the sockets left the programs' maps: the
// rx rings' leftovers go back, and every frame must now be free or in a fill
// ring, once.
void queue_pair::drain_and_account() noexcept {
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
  accounted = once;
  if (twice || missing || outside || in_flight_a || in_flight_b)
    accounting_error = fmt::format(
        "queue {}: of {} frames {} found once, {} more than once, {} nowhere ({} still on a tx ring), {} addresses "
        "outside the UMEM",
        queue, frames, once, twice, missing, in_flight_a + in_flight_b, outside);
}

struct afxdp_forwarder::state {
  afxdp_forwarder_config config;
  std::optional<steer_program> pa, pb;
  std::vector<std::unique_ptr<queue_pair>> pairs;
  bool stopped = false;
  ~state() {
    stop();
    // Sockets leave the maps before they close; the programs detach last.
    pairs.clear();
    pb.reset();
    pa.reset();
  }
  void stop() noexcept {
    if (stopped) return;
    stopped = true;
    for (auto& p : pairs) p->stopping.store(true);
    for (auto& p : pairs)
      if (p->thread.joinable()) p->thread.join();
    for (auto& p : pairs) {
      if (pa) pa->unbind_queue(p->queue);
      if (pb) pb->unbind_queue(p->queue);
    }
    // A packet the program redirected a moment before the unbind may still be
    // on its way into a ring.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (auto& p : pairs)
      if (p->sa && p->sb) p->drain_and_account();
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
  if (!config.cpus.empty() && config.cpus.size() != config.queues.size())
    throw std::invalid_argument(fmt::format("{} CPUs for {} queue pairs: give one per queue", config.cpus.size(),
                                            config.queues.size()));
  auto st = std::make_unique<state>();
  st->config = config;
  afxdp_forwarder out(std::move(st));  // a throw below unwinds what was made
  state& s = *out.s_;
  s.pa.emplace(steer_program::attach(config.a, config.steer));
  s.pb.emplace(steer_program::attach(config.b, config.steer));
  xsk_config xc = config.xsk;
  xc.with_tx = true;
  for (std::size_t i = 0; i < config.queues.size(); ++i) {
    const std::uint32_t q = config.queues[i];
    auto p = std::make_unique<queue_pair>(q, config.cpus.empty() ? -1 : config.cpus[i], umem::create(config.umem));
    p->sa.emplace(xsk_socket::create(p->area, config.a, q, xc));
    p->sb.emplace(xsk_socket::create_shared(p->area, config.b, q, xc));
    p->free_frames.emplace(p->area.config().frame_count);
    p->free_frames->seed(0, p->area.config().frame_count, p->area.config().frame_size);
    std::promise<int> started;
    auto ready = started.get_future();
    queue_pair* raw = p.get();
    p->thread = std::thread([raw, &config, &started] { raw->run(config, started); });
    if (int err = ready.get()) {
      p->thread.join();
      throw_os_error(err, "pin the forwarding worker to CPU " + std::to_string(p->cpu),
                     config.a + " and " + config.b + " queue " + std::to_string(q));
    }
    s.pairs.push_back(std::move(p));  // from here stop() joins its worker, whatever throws next
    // Both fill rings are primed: only now may packets be redirected to them.
    s.pa->bind_queue(q, raw->sa->fd());
    s.pb->bind_queue(q, raw->sb->fd());
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
    st.accounting_error = p->accounting_error;
    out.push_back(st);
  }
  return out;
}

steer_counters afxdp_forwarder::program_counters(bool of_a) const { return of_a ? s_->pa->counters() : s_->pb->counters(); }
void afxdp_forwarder::stop() noexcept { s_->stop(); }
bool afxdp_forwarder::zero_copy() const noexcept {
  for (const auto& p : s_->pairs)
    if (!p->sa->zero_copy() || !p->sb->zero_copy()) return false;
  return !s_->pairs.empty();
}
const afxdp_forwarder_config& afxdp_forwarder::config() const noexcept { return s_->config; }

}  // namespace xdpkit::forward
