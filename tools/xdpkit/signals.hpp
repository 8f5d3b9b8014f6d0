// SPDX-License-Identifier: Apache-2.0
// Ctrl-C and SIGTERM set a flag that the loops of run, demo, bench and up check;
// the RAII owners then undo what was set up as the stack unwinds normally.
// Only those verbs install it. Every other verb keeps the default action, so
// the signal ends it at once wherever it is (a blocked write, a long parse):
// they change nothing on the host that a kill could leave half done (tune
// journals each step before making it).
#pragma once

#include <atomic>
#include <functional>

namespace xdpkit::cli {

void install_stop_signals();
// `up`: SIGINT and SIGTERM stop it, SIGHUP asks for a reload (the systemd
// and daemon convention) instead of stopping.
void install_service_signals();
// True once per SIGHUP received since the last call.
bool take_reload_request();
const std::atomic<bool>& stop_requested();
// Sleeps up to `seconds`, returning early when a stop is requested or
// `also_wake` (if given) returns true.
void sleep_unless_stopped(double seconds, const std::function<bool()>& also_wake = {});

}  // namespace xdpkit::cli
