// SPDX-License-Identifier: Apache-2.0
#include "generator_thread.hpp"

#include <pthread.h>
#include <sched.h>

#include "xdpkit/lab/netns.hpp"

namespace xdpkit::cli {

generator_thread::generator_thread(const lab::veth_lab& lab, lab::generator_kind kind, std::uint64_t max_packets,
                                   double max_seconds, int cpu, double rate_pps, std::vector<std::uint8_t> frame)
    : kind_(kind) {
  if (frame.empty()) frame = lab.udp_frame();
  thread_ = std::thread([this, &lab, max_packets, max_seconds, cpu, rate_pps, frame = std::move(frame)] {
    try {
      if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
      }
      lab::netns_scope in_gen(lab.gen_ns());
      auto gen = lab::make_generator(kind_, lab.gen_if(), frame);
      gen->send_until(stop_, max_packets, max_seconds, &sent_, rate_pps);
      refused_.store(gen->refused());
    } catch (...) {
      error_ = std::current_exception();
    }
    done_.store(true);
  });
}

generator_thread::~generator_thread() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void generator_thread::finish() {
  stop();
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(error_);
}

}  // namespace xdpkit::cli
