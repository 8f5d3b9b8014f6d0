// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/worker.hpp"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <future>
#include <stdexcept>
#include <string>
#include <string_view>
#include <chrono>
#include <thread>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/userspace/frame_stack.hpp"

namespace xdpkit {

namespace {

using loop_fn = std::function<void(detail::worker_state&, std::promise<int>&)>;

loop_fn builtin(handler_kind kind) {
  switch (kind) {
    case handler_kind::l2fwd:
      return [h = l2fwd_handler{}](detail::worker_state& st, std::promise<int>& started) mutable {
        detail::run_loop(st, h, started);
      };
    case handler_kind::rxdrop:
      break;
  }
  return [h = rxdrop_handler{}](detail::worker_state& st, std::promise<int>& started) mutable {
    detail::run_loop(st, h, started);
  };
}

}  // namespace

worker::worker(xsk_socket& sock, umem& area, handler_kind handler, const worker_config& config)
    : worker(sock, area, config, builtin(handler)) {}

worker::worker(worker&&) noexcept = default;

worker::worker(xsk_socket& sock, umem& area, const worker_config& config, loop_fn loop)
    : s_(std::make_unique<detail::worker_state>(sock, area, config)) {
  using detail::max_batch;
  if (config.batch == 0 || config.batch > max_batch)
    throw std::invalid_argument("worker batch must be 1.." + std::to_string(max_batch));
  s_->loop = std::move(loop);
  std::promise<int> started;
  auto ready = started.get_future();
  detail::worker_state* st = s_.get();
  st->thread = std::thread([st, &started] {
    st->native = pthread_self();
    st->tid.store(gettid());
    if (st->config.cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(st->config.cpu, &set);
      if (int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
        started.set_value(err);
        return;
      }
    }
    if (st->config.fifo_priority > 0) {
      sched_param sp{};
      sp.sched_priority = st->config.fifo_priority;
      if (int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp)) {
        started.set_value(err | (1 << 16));  // tell the two failures apart
        return;
      }
    }
    {
      sched_param sp{};
      pthread_getschedparam(pthread_self(), &st->policy, &sp);
    }
    if (st->config.drop_capabilities) {
      cap_t none = cap_init();  // every set empty
      const int r = none ? cap_set_proc(none) : -1;
      const int err = errno;
      if (none) cap_free(none);
      if (r) {
        started.set_value((err ? err : EPERM) | (2 << 16));
        return;
      }
    }
    st->loop(*st, started);
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    st->final_cpu_ns.store(std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec);
    rusage ru{};
    if (getrusage(RUSAGE_THREAD, &ru) == 0) st->final_sleeps.store(static_cast<std::uint64_t>(ru.ru_nvcsw));
    st->finished.store(true);
  });
  if (int err = ready.get()) {
    st->thread.join();
    if ((err >> 16) == 2)
      throw_os_error(err & 0xffff, "drop the worker's capabilities", sock.ifname() + " queue " + std::to_string(sock.queue()));
    if (err >> 16)
      throw_os_error(err & 0xffff, "set SCHED_FIFO priority " + std::to_string(config.fifo_priority) + " for the worker",
                     sock.ifname() + " queue " + std::to_string(sock.queue()),
                     "needs CAP_SYS_NICE (root) and a priority 1-99; RT throttling (sched_rt_runtime_us) still applies");
    throw_os_error(err, "pin worker thread to CPU " + std::to_string(config.cpu),
                   sock.ifname() + " queue " + std::to_string(sock.queue()),
                   "pick an online CPU allowed for this process (see `xdpkit topology`, `taskset -p $$`)");
  }
}

worker::~worker() { stop(); }

void worker::stop() noexcept {
  if (!s_) return;
  s_->stopping.store(true, std::memory_order_relaxed);
  if (s_->thread.joinable() && s_->thread.get_id() != std::this_thread::get_id()) s_->thread.join();
}

worker_counters worker::counters() const noexcept {
  const auto& p = s_->published;
  worker_counters c;
  c.rx_packets = p.rx_packets.load(std::memory_order_relaxed);
  c.rx_bytes = p.rx_bytes.load(std::memory_order_relaxed);
  c.tx_packets = p.tx_packets.load(std::memory_order_relaxed);
  c.dropped = p.dropped.load(std::memory_order_relaxed);
  c.tx_ring_full = p.tx_ring_full.load(std::memory_order_relaxed);
  c.rx_wakeups = p.rx_wakeups.load(std::memory_order_relaxed);
  c.tx_kicks = p.tx_kicks.load(std::memory_order_relaxed);
  c.polls = p.polls.load(std::memory_order_relaxed);
  c.kick_retries = p.kick_retries.load(std::memory_order_relaxed);
  c.kick_errors = p.kick_errors.load(std::memory_order_relaxed);
  c.last_kick_error = p.last_kick_error.load(std::memory_order_relaxed);
  return c;
}

std::chrono::nanoseconds worker::cpu_time() const {
  if (s_->finished.load()) return std::chrono::nanoseconds(s_->final_cpu_ns.load());
  clockid_t cid;
  if (int err = pthread_getcpuclockid(s_->native, &cid)) throw_os_error(err, "get worker CPU clock", "worker");
  timespec ts{};
  if (clock_gettime(cid, &ts)) throw_os_error(errno, "read worker CPU clock", "worker");
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

std::uint64_t worker::sleeps(const topology::host_root& root) const noexcept {
  if (s_->finished.load()) return s_->final_sleeps.load();
  const pid_t tid = s_->tid.load();
  if (!tid) return 0;
  // getrusage(RUSAGE_THREAD) answers only for the calling thread; /proc/<tid>
  // is the thread's own entry even though /proc lists only processes.
  try {
    const auto status = topology::read_pid_status(root, tid);
    return status ? status->number("voluntary_ctxt_switches").value_or(0) : 0;
  } catch (const std::exception&) {
    return 0;  // a root without the thread (a fixture), or text the kernel never writes
  }
}

int worker::cpu() const noexcept { return s_->config.cpu; }
pid_t worker::thread_id() const noexcept { return s_->tid.load(); }
std::uint64_t worker::heartbeat() const noexcept { return s_->published.heartbeat.load(std::memory_order_relaxed); }
void worker::stall_for_test(bool stall) noexcept { s_->stalled.store(stall, std::memory_order_relaxed); }
int worker::sched_policy() const noexcept { return s_->policy; }

}  // namespace xdpkit
