// SPDX-License-Identifier: Apache-2.0
#include "lab_fixture.hpp"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "xdpkit/lab/netns.hpp"

namespace xdpkit::testing {

void require_root() {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF) for netns, veth and XDP";
}

void require_generator(lab::generator_kind& kind) {
  const lab::generator_support& support = lab::probe_generators();
  const std::optional<lab::generator_kind> wanted = lab::generator_choice_from_env();
  if (wanted && !support.of(*wanted).usable)
    GTEST_SKIP() << "the " << lab::to_string(*wanted) << " generator is refused by this kernel: "
                 << support.of(*wanted).why_not;
  kind = lab::choose_generator(support, wanted);
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void LabTest::SetUp() {
  require_root();
  if (IsSkipped()) return;
  require_generator(generator_);
  if (IsSkipped()) return;
  lab::veth_lab_options o;
  o.prefix = "xktest";
  lab_.emplace(lab::veth_lab::create(o));
}

void LabTest::TearDown() {
  engine_.reset();  // detach before the namespaces (and the veth) go
  lab_.reset();
}

engine_config LabTest::lab_config() const {
  engine_config c;
  c.ifname = lab_->dut_if();
  c.umem.pages = page_policy::normal;
  if (sysconf(_SC_NPROCESSORS_ONLN) > 1) c.cpus = {1};
  c.worker.wait = wait_mode::poll;  // tests care about counts, not latency
  c.worker.poll_timeout_ms = 10;
  return c;
}

void LabTest::start(const engine_config& c) {
  socket_ring_ = c.xsk.rx_size;
  lab::netns_scope in_dut(lab_->dut_ns());
  engine_.emplace(engine::start(c));
}

void LabTest::start_engine(handler_kind handler, page_policy pages, no_socket_policy no_socket,
                           std::optional<firewall::rule_set> rules) {
  engine_config c = lab_config();
  c.handler = handler;
  c.umem.pages = pages;
  c.steer.no_socket = no_socket;
  c.firewall = std::move(rules);
  c.xsk.with_tx = handler == handler_kind::l2fwd;
  start(c);
}

std::uint64_t LabTest::program_rx() const { return engine_->stats().program.rx_packets; }

namespace {
// Pins the calling thread for a scope and restores its previous CPU set.
class cpu_pin {
 public:
  explicit cpu_pin(int cpu) {
    if (cpu < 0) return;
    pthread_getaffinity_np(pthread_self(), sizeof(saved_), &saved_);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    active_ = pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
  }
  ~cpu_pin() {
    if (active_) pthread_setaffinity_np(pthread_self(), sizeof(saved_), &saved_);
  }

 private:
  cpu_set_t saved_{};
  bool active_ = false;
};
}  // namespace

std::vector<std::uint8_t> LabTest::lab_frame(std::uint16_t dport) const { return lab_->udp_frame(dport); }

std::uint64_t LabTest::send_paced(std::uint64_t count, std::uint32_t chunk, int cpu) {
  return send_paced_frame(lab_frame(), count, chunk, cpu);
}

std::uint64_t LabTest::send_paced_frame(const std::vector<std::uint8_t>& frame, std::uint64_t count,
                                        std::uint32_t chunk, int cpu) {
  // Off the worker's CPU unless a test says otherwise: a sender sharing CPU 1
  // with the worker (af-packet's loop is userspace) starved it, and the
  // socket's rx ring overflowed (2,002 of 20,000 dropped, 1 run in 5).
  const bool multi_cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1;
  cpu_pin pin(cpu >= 0 ? cpu : multi_cpu ? 0 : -1);
  lab::netns_scope in_gen(lab_->gen_ns());
  auto gen = lab::make_generator(generator_, lab_->gen_if(), frame);
  // Chunks of 200 fit the veth's 256-frame XDP ring with room to spare, so no
  // backend loses a frame there and every test can count exactly. The next
  // chunk also waits until the socket's rx ring has room for it: the XDP
  // program seeing a chunk does not mean the worker took it, and a worker
  // descheduled on a loaded CI host let the 2048-slot ring overflow (1,771 of
  // 20,000 dropped once in CI).
  const std::uint64_t base = program_rx();
  const auto room_for = [&](std::uint32_t next) {
    const engine_stats s = engine_->stats();
    const std::uint64_t taken = s.total().rx_packets + s.kernel_drops();
    const std::uint64_t backlog = s.program.redirected > taken ? s.program.redirected - taken : 0;
    return backlog + next <= std::max<std::uint64_t>(socket_ring_, next);
  };
  std::uint64_t sent = 0;
  while (sent < count) {
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(chunk, count - sent));
    if (!wait_until([&] { return room_for(n); }, std::chrono::seconds(2))) break;
    gen->send(n);
    sent += n;
    if (!wait_until([&] { return program_rx() - base >= sent; }, std::chrono::seconds(2))) break;
  }
  return program_rx() - base;
}

}  // namespace xdpkit::testing

namespace xdpkit::testing {

void LabTest::send_unpaced(std::uint64_t count, std::uint32_t chunk) {
  lab::netns_scope in_gen(lab_->gen_ns());
  auto gen = lab::make_generator(generator_, lab_->gen_if(), lab_->udp_frame());
  // Give the other process a moment to bind before the first frame.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (std::uint64_t sent = 0; sent < count;) {
    const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(chunk, count - sent));
    gen->send(n);
    sent += n;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace xdpkit::testing
