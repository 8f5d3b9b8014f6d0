// SPDX-License-Identifier: Apache-2.0
#include "interval_loop.hpp"

#include <chrono>

#include "signals.hpp"

namespace xdpkit::cli {

loop_end run_intervals(double duration, const std::function<std::optional<std::string>()>& lost,
                       const std::function<void(double t, double seconds)>& each,
                       const std::function<void()>& between) {
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  loop_end end;
  double last_t = 0;
  const auto watch = [&] {
    if (between) between();
    return (end.lost = lost()).has_value();
  };
  while (!end.lost && !stop_requested().load() && (duration <= 0 || elapsed() < duration)) {
    double next = last_t + 1.0;
    if (duration > 0 && next > duration) next = duration;
    sleep_unless_stopped(next - elapsed(), watch);
    if (end.lost) break;
    const double t = elapsed();
    each(t, t - last_t);
    last_t = t;
  }
  end.seconds = elapsed();
  return end;
}

}  // namespace xdpkit::cli
