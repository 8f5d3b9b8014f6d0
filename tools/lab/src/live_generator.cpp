#include "xdpkit/lab/live_generator.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "xdpkit/bpf/lab_gen.skel.h"
#include "xdpkit/userspace/error.hpp"
#include "xdpkit/userspace/skeleton.hpp"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

namespace xdpkit::lab {

using gen_skeleton = skeleton<lab_gen, lab_gen__open, lab_gen__destroy>;

struct live_generator::state {
  gen_skeleton skel;
  std::string ifname;
  std::vector<std::uint8_t> frame;
};

live_generator::live_generator(const std::string& ifname, std::vector<std::uint8_t> frame) {
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (!ifindex) throw_os_error(errno, "find generator interface", ifname);
  s_ = std::make_unique<state>(state{gen_skeleton::open("lab_gen"), ifname, std::move(frame)});
  s_->skel->rodata->out_ifindex = ifindex;
  if (int err = lab_gen__load(s_->skel.get()))
    throw_os_error(errno_of(err), "load the lab generator program", ifname, "needs CAP_BPF and CAP_NET_ADMIN");
}

live_generator::live_generator(live_generator&&) noexcept = default;
live_generator::~live_generator() = default;

namespace {
// One BPF_PROG_RUN call: `repeat` frames, built into xdp_frames and redirected.
void run_once(int prog_fd, std::vector<std::uint8_t>& frame, std::uint32_t repeat, const std::string& ifname) {
  xdp_md ctx{};
  ctx.data_end = static_cast<__u32>(frame.size());
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<__u32>(frame.size());
  opts.ctx_in = &ctx;
  opts.ctx_size_in = sizeof(ctx);
  opts.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
  opts.repeat = static_cast<int>(repeat);
  opts.batch_size = std::min<std::uint32_t>(repeat, 64);
  if (bpf_prog_test_run_opts(prog_fd, &opts))
    throw_os_error(errno, "send live frames (BPF_PROG_RUN)", ifname,
                   "the kernel needs BPF_F_TEST_XDP_LIVE_FRAMES (5.18+) and the peer an XDP program");
}
}  // namespace

void live_generator::send(std::uint64_t count, std::uint32_t chunk) {
  int fd = bpf_program__fd(s_->skel->progs.xdpkit_lab_gen);
  while (count) {
    auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, chunk));
    run_once(fd, s_->frame, n, s_->ifname);
    count -= n;
  }
}

std::uint64_t live_generator::send_until(const std::atomic<bool>& stop, std::uint64_t max_packets,
                                         double max_seconds, std::atomic<std::uint64_t>* sent,
                                         std::uint32_t chunk) {
  int fd = bpf_program__fd(s_->skel->progs.xdpkit_lab_gen);
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t total = 0;
  while (!stop.load(std::memory_order_relaxed) && total < max_packets) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >= max_seconds) break;
    auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(max_packets - total, chunk));
    try {
      run_once(fd, s_->frame, n, s_->ifname);
    } catch (const os_error& e) {
      if (e.err() == EINTR) continue;  // a signal: the stop flag decides
      throw;
    }
    total += n;
    if (sent) sent->store(total, std::memory_order_relaxed);
  }
  return total;
}

}  // namespace xdpkit::lab
