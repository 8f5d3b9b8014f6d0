// SPDX-License-Identifier: Apache-2.0
// systemd_notify: the sd_notify(3) protocol a Type=notify unit speaks, on
// $NOTIFY_SOCKET (libsystemd). Outside systemd the variable is unset and every
// call does nothing, so `xdpkit up` runs the same in a terminal.
//
// systemd 252 (Debian 12) has no Type=notify-reload: a reload is announced
// with RELOADING=1 and MONOTONIC_USEC (newer systemd ignores RELOADING=1
// without it), then READY=1 when it is done.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace xdpkit::service {

class systemd_notify {
 public:
  systemd_notify();  // reads $NOTIFY_SOCKET and $WATCHDOG_USEC

  bool active() const noexcept { return active_; }
  // How often WATCHDOG=1 must be sent (half of $WATCHDOG_USEC), when the
  // unit has WatchdogSec=.
  std::optional<std::chrono::microseconds> watchdog_interval() const noexcept { return watchdog_; }

  void ready(std::string_view status);
  void status(std::string_view status);
  void reloading(std::string_view status);
  void stopping(std::string_view status);
  void watchdog();

  // The last error sd_notify returned ("" when none): a unit that waits for
  // READY=1 that never arrives is killed at its start timeout, so `up` says why.
  const std::string& last_error() const noexcept { return error_; }

 private:
  void send(const std::string& message);
  bool active_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
  std::string error_;
};

}  // namespace xdpkit::service
