// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/lab/generator.hpp"

#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "backends.hpp"
#include "xdpkit/base/os_error.hpp"

namespace xdpkit::lab {

std::string_view to_string(generator_kind k) noexcept {
  switch (k) {
    case generator_kind::live: return "live";
    case generator_kind::tc_clone: return "tc-clone";
    case generator_kind::af_packet: return "af-packet";
  }
  return "?";
}

std::optional<generator_kind> parse_generator_choice(std::string_view name) {
  if (name == "auto") return std::nullopt;
  for (generator_kind k : all_generator_kinds)
    if (name == to_string(k)) return k;
  throw std::invalid_argument("unknown generator " + xdpkit::quote(std::string(name)) + ": choose auto, live, tc-clone or af-packet");
}

std::optional<generator_kind> generator_choice_from_env() {
  const char* v = std::getenv("XDPKIT_LAB_GENERATOR");
  if (!v || !*v) return std::nullopt;
  try {
    return parse_generator_choice(v);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("XDPKIT_LAB_GENERATOR: ") + e.what());
  }
}

const generator_support::entry& generator_support::of(generator_kind k) const noexcept {
  switch (k) {
    case generator_kind::live: return live;
    case generator_kind::tc_clone: return tc_clone;
    case generator_kind::af_packet: break;
  }
  return af_packet;
}

const generator_support& probe_generators() {
  static const generator_support support = [] {
    generator_support s;
    s.live = backends::probe_live();
    s.tc_clone = backends::probe_tc_clone();
    s.af_packet = backends::probe_af_packet();
    return s;
  }();
  return support;
}

generator_kind choose_generator(const generator_support& support, std::optional<generator_kind> wanted) {
  if (wanted) {
    const auto& e = support.of(*wanted);
    if (e.usable) return *wanted;
    std::string usable;
    for (generator_kind k : all_generator_kinds)
      if (support.of(k).usable) usable += (usable.empty() ? "" : ", ") + std::string(to_string(k));
    throw std::runtime_error("the " + std::string(to_string(*wanted)) + " generator is not usable here: " +
                             e.why_not + (usable.empty() ? "; no generator is" : "; usable: " + usable));
  }
  for (generator_kind k : all_generator_kinds)
    if (support.of(k).usable) return k;
  throw std::runtime_error("no lab generator is usable here: live: " + support.live.why_not +
                           "; tc-clone: " + support.tc_clone.why_not + "; af-packet: " + support.af_packet.why_not);
}

void frame_generator::send(std::uint64_t count) {
  using clock = std::chrono::steady_clock;
  auto last_progress = clock::now();
  while (count) {
    const std::uint64_t n = send_some(count);
    count -= std::min(n, count);
    if (n) {
      last_progress = clock::now();
      continue;
    }
    if (clock::now() - last_progress > std::chrono::seconds(2))
      throw_os_error(ENOBUFS, "send lab frames (" + std::string(to_string(kind())) + ")", ifname_,
                     "nothing was accepted for 2 s: is the peer up and draining its ring?");
    std::this_thread::sleep_for(std::chrono::microseconds(100));  // let the peer's NAPI drain its ring
  }
}

std::uint64_t frame_generator::send_until(const std::atomic<bool>& stop, std::uint64_t max_packets,
                                          double max_seconds, std::atomic<std::uint64_t>* sent, double rate_pps) {
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t total = 0;
  while (!stop.load(std::memory_order_relaxed) && total < max_packets) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (elapsed >= max_seconds) break;
    std::uint64_t want = std::min(max_packets - total, burst());
    if (rate_pps > 0) {
      // Due by now, plus 1 ms ahead; a slow call (live frames' setup) is caught
      // up by the next one asking for more, not by a higher rate later.
      const auto due = static_cast<std::uint64_t>((elapsed + 0.001) * rate_pps);
      if (due <= total) {
        std::this_thread::sleep_for(std::chrono::duration<double>(static_cast<double>(total + 1) / rate_pps - elapsed));
        continue;
      }
      want = std::min(want, due - total);
    }
    total += send_some(want);
    if (sent) sent->store(total, std::memory_order_relaxed);
  }
  return total;
}

std::unique_ptr<frame_generator> make_generator(generator_kind kind, const std::string& ifname,
                                                std::vector<std::uint8_t> frame) {
  switch (kind) {
    case generator_kind::live: return backends::make_live(ifname, std::move(frame));
    case generator_kind::tc_clone: return backends::make_tc_clone(ifname, std::move(frame));
    case generator_kind::af_packet: break;
  }
  return backends::make_af_packet(ifname, std::move(frame));
}

namespace backends {
generator_support::entry refused(int err, std::string why_not, const char* feature, kernel_version since) {
  constexpr int enotsupp = 524;  // the kernel's internal ENOTSUPP, which BPF calls leak
  generator_support::entry e{false, std::move(why_not)};
  if (err == EINVAL || err == EOPNOTSUPP || err == enotsupp || err == ENOPROTOOPT) {
    e.missing = not_supported{feature, since, e.why_not};
    // Only an older kernel makes "needs Linux X" the whole story.
    if (const kernel_version running = running_kernel(); e.missing->explained_by(running))
      e.why_not = e.missing->message(running);
  }
  return e;
}

unsigned ifindex_of(const std::string& ifname) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (!ifindex) throw_os_error(errno, "find the generator's interface", ifname, "is the lab up, and this thread in its namespace?");
  return ifindex;
}
}  // namespace backends

}  // namespace xdpkit::lab
