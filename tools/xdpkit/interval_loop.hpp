// SPDX-License-Identifier: Apache-2.0
// The once-a-second loop of the verbs that run a data plane (run, forward):
// until the duration is up, Ctrl-C or SIGTERM, or the data plane loses its
// interface, call `each` with the time since start and the interval's length.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace xdpkit::cli {

struct loop_end {
  double seconds = 0;               // since the loop started
  std::optional<std::string> lost;  // why the interface is gone, when that ended it
};

// `duration` <= 0 runs until a signal. `lost` is asked while the loop sleeps
// (every 20 ms): a reason ends the loop at once, without a last interval.
// `between`, when given, runs at each of those wakeups too (up's reloads).
loop_end run_intervals(double duration, const std::function<std::optional<std::string>()>& lost,
                       const std::function<void(double t, double seconds)>& each,
                       const std::function<void()>& between = {});

}  // namespace xdpkit::cli
