// SPDX-License-Identifier: Apache-2.0
// Ctrl-C and SIGTERM set a flag that every loop of the CLI checks; the RAII
// owners then undo what was set up as the stack unwinds normally.
#pragma once

#include <atomic>
#include <functional>

namespace xdpkit::cli {

void install_stop_signals();
const std::atomic<bool>& stop_requested();
// Sleeps up to `seconds`, returning early when a stop is requested or
// `also_wake` (if given) returns true.
void sleep_unless_stopped(double seconds, const std::function<bool()>& also_wake = {});

}  // namespace xdpkit::cli
