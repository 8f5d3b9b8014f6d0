// SPDX-License-Identifier: Apache-2.0
#include "signals.hpp"

#include <signal.h>

#include <chrono>
#include <thread>

namespace xdpkit::cli {

namespace {
std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
void on_signal(int) { g_stop.store(true); }
void on_reload(int) { g_reload.store(true); }

void handle(int sig, void (*fn)(int)) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, nullptr);
}
}  // namespace

void install_stop_signals() {
  handle(SIGINT, on_signal);
  handle(SIGTERM, on_signal);
  handle(SIGHUP, on_signal);
}

void install_service_signals() {
  handle(SIGINT, on_signal);
  handle(SIGTERM, on_signal);
  handle(SIGHUP, on_reload);
}

bool take_reload_request() { return g_reload.exchange(false); }

const std::atomic<bool>& stop_requested() { return g_stop; }

void sleep_unless_stopped(double seconds, const std::function<bool()>& also_wake) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop.load() && std::chrono::steady_clock::now() < end && !(also_wake && also_wake()))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace xdpkit::cli
