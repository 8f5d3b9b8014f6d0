// SPDX-License-Identifier: Apache-2.0
// udp_counter: a packet handler of one's own in xdpkit's data plane. xdpkit
// attaches its steer program to IF, binds an AF_XDP socket to one queue and
// runs a worker pinned to a CPU; the worker hands each batch to the handler
// below, which counts the UDP packets (IPv4 and IPv6, one VLAN tag allowed)
// and drops everything. Built out of tree against the installed package (see
// CMakeLists.txt), as a user's program is.
//
//   udp_counter --iface IF [--queue Q] [--cpu C] [--packets N] [--seconds S]
//
// Prints a JSON line when the queue is bound ("ready") and one at the end
// ("summary"); exits 0 when it counted N UDP packets (or, without --packets,
// when S seconds are up), 1 when time ran out first, 2 on an error.
#include <xdpkit/userspace/engine.hpp>
#include <xdpkit/userspace/handler.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace {

// What the handler reports, shared with main(); one worker here, so one writer.
struct udp_counts {
  std::atomic<std::uint64_t> udp{0}, other{0};
};

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

// The handler: a copy runs in each worker; the counts it points at outlive the engine.
struct udp_counter {
  udp_counts* counts;

  static bool is_udp(const xdpkit::packet& p) noexcept {
    std::uint32_t off = 12;
    if (p.len < off + 2) return false;
    std::uint16_t type = be16(p.data + off);
    if (type == 0x8100 || type == 0x88a8) {  // one VLAN tag
      off += 4;
      if (p.len < off + 2) return false;
      type = be16(p.data + off);
    }
    off += 2;
    if (type == 0x0800) return p.len >= off + 20 && p.data[off + 9] == 17;  // IPv4 protocol
    if (type == 0x86dd) return p.len >= off + 40 && p.data[off + 6] == 17;  // IPv6 next header
    return false;
  }

  void operator()(std::span<const xdpkit::packet> batch, std::span<xdpkit::verdict> out) noexcept {
    std::uint64_t udp = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      udp += is_udp(batch[i]);
      out[i] = xdpkit::verdict::drop;  // the frame goes back to the fill ring
    }
    counts->udp.fetch_add(udp, std::memory_order_relaxed);
    counts->other.fetch_add(batch.size() - udp, std::memory_order_relaxed);
  }
};
static_assert(xdpkit::packet_handler<udp_counter>);

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

[[noreturn]] void usage(const char* why) {
  std::cerr << "udp_counter: " << why
            << "\nusage: udp_counter --iface IF [--queue Q] [--cpu C] [--packets N] [--seconds S]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ifname;
  std::uint32_t queue = 0;
  int cpu = -1;
  std::uint64_t packets = 0;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing a value after " + a).c_str());
    const char* v = argv[++i];
    if (a == "--iface") ifname = v;
    else if (a == "--queue") queue = static_cast<std::uint32_t>(std::stoul(v));
    else if (a == "--cpu") cpu = std::stoi(v);
    else if (a == "--packets") packets = std::stoull(v);
    else if (a == "--seconds") seconds = std::stod(v);
    else usage(("unknown option " + a).c_str());
  }
  if (ifname.empty()) usage("--iface is required");
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  udp_counts counts;
  try {
    xdpkit::engine_config c;
    c.ifname = ifname;
    c.queues = {queue};
    if (cpu >= 0) c.cpus = {cpu};
    c.make_worker = xdpkit::run_handler(udp_counter{&counts});
    c.handler_name = "udp_counter";
    c.xsk.with_tx = false;                        // it never transmits
    c.umem.pages = xdpkit::page_policy::huge_preferred;  // normal pages when the pool is short
    c.worker.wait = xdpkit::wait_mode::poll;      // sleep when idle: an example, not a benchmark
    xdpkit::engine e = xdpkit::engine::start(c);
    std::cout << R"({"type":"ready","interface":")" << ifname << R"(","queue":)" << queue
              << R"(,"zero_copy":)" << (e.info().zero_copy ? "true" : "false") << "}" << std::endl;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!stop_requested && std::chrono::steady_clock::now() < end && (!packets || counts.udp.load() < packets))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    e.stop();
    const auto t = e.stats().total();
    std::cout << R"({"type":"summary","udp":)" << counts.udp.load() << R"(,"other":)" << counts.other.load()
              << R"(,"rx_packets":)" << t.rx_packets << R"(,"dropped":)" << t.dropped << "}" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "udp_counter: error: " << e.what() << "\n";
    return 2;
  }
  return !packets || counts.udp.load() >= packets ? 0 : 1;
}
