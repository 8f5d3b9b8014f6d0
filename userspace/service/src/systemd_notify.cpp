// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

namespace xdpkit::service {

namespace {
// STATUS= is one line: a newline would start another assignment.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}
}  // namespace

systemd_notify::systemd_notify() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket && *socket;
  std::uint64_t usec = 0;
  if (active_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_ = std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

void systemd_notify::send(const std::string& message) {
  if (!active_) return;
  const int r = sd_notify(0, message.c_str());
  if (r < 0) error_ = std::string("sd_notify to $NOTIFY_SOCKET: ") + std::strerror(-r);
}

void systemd_notify::ready(std::string_view status) { send("READY=1\nSTATUS=" + one_line(status)); }
void systemd_notify::status(std::string_view status) { send("STATUS=" + one_line(status)); }

void systemd_notify::reloading(std::string_view status) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ull + static_cast<unsigned long long>(ts.tv_nsec) / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=" + one_line(status));
}

void systemd_notify::stopping(std::string_view status) { send("STOPPING=1\nSTATUS=" + one_line(status)); }
void systemd_notify::watchdog() { send("WATCHDOG=1"); }

}  // namespace xdpkit::service
