// SPDX-License-Identifier: Apache-2.0
#include "signals.hpp"

#include <signal.h>

#include <chrono>
#include <thread>

namespace xdpkit::cli {

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }
}  // namespace

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

const std::atomic<bool>& stop_requested() { return g_stop; }

void sleep_unless_stopped(double seconds, const std::function<bool()>& also_wake) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop.load() && std::chrono::steady_clock::now() < end && !(also_wake && also_wake()))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace xdpkit::cli
