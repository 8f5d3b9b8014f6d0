// SPDX-License-Identifier: Apache-2.0
// tc-clone: plain BPF_PROG_RUN (no live-frames flag) of bpf/lab_clone.bpf.c, a
// tc program that clones its one skb out of the interface up to 64 times a
// repetition. The program counts each clone the device took and each it
// refused, in globals this side reads through the mapped .bss, so the count is
// exact whatever the kernel did, even when a signal cuts a call short.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "backends.hpp"
#include "xdpkit/bpf/lab_clone.skel.h"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/userspace/skeleton.hpp"

namespace xdpkit::lab::backends {

namespace {

using clone_skeleton = skeleton<lab_clone, lab_clone__open, lab_clone__destroy>;
constexpr std::uint32_t max_clones = 64;  // XDPKIT_LAB_MAX_CLONES in the program

clone_skeleton load(unsigned ifindex, const std::string& ifname) {
  clone_skeleton skel = clone_skeleton::open("lab_clone");
  skel->rodata->out_ifindex = ifindex;
  if (int err = lab_clone__load(skel.get()))
    throw_os_error(errno_of(err), "load the lab generator program (lab_clone)", ifname,
                   "needs CAP_BPF and CAP_NET_ADMIN; --generator af-packet needs no BPF");
  return skel;
}

// The program's counters, written by the kernel during the call.
std::uint64_t read(const std::uint64_t& counter) {
  return std::atomic_ref<const std::uint64_t>(counter).load(std::memory_order_acquire);
}

// One BPF_PROG_RUN call: `repeat` runs of `clones` clones each.
int run_clones(clone_skeleton& skel, std::vector<std::uint8_t>& frame, std::uint32_t clones, std::uint32_t repeat) {
  std::atomic_ref<std::uint32_t>(skel->bss->clones_per_run).store(clones, std::memory_order_release);
  LIBBPF_OPTS(bpf_test_run_opts, opts);
  opts.data_in = frame.data();
  opts.data_size_in = static_cast<__u32>(frame.size());
  opts.repeat = static_cast<int>(repeat);
  return bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdpkit_lab_clone), &opts) ? errno : 0;
}

class tc_clone_generator final : public frame_generator {
 public:
  tc_clone_generator(const std::string& ifname, std::vector<std::uint8_t> frame)
      : frame_generator(ifname), skel_(load(ifindex_of(ifname), ifname)), frame_(std::move(frame)) {}
  generator_kind kind() const noexcept override { return generator_kind::tc_clone; }

 protected:
  std::uint64_t send_some(std::uint64_t max) override {
    if (!max) return 0;
    // Whole runs of `clones`; the remainder below 64 goes in a later call.
    const auto clones = static_cast<std::uint32_t>(std::min<std::uint64_t>(max, max_clones));
    const auto repeat = static_cast<std::uint32_t>(std::min<std::uint64_t>(max / clones, 1u << 14));
    const std::uint64_t sent0 = read(skel_->bss->sent), refused0 = read(skel_->bss->refused);
    const int err = run_clones(skel_, frame_, clones, repeat);
    const std::uint64_t sent = read(skel_->bss->sent) - sent0;
    refused_ += read(skel_->bss->refused) - refused0;
    if (err && err != EINTR) throw_os_error(err, "send lab frames (BPF_PROG_RUN of lab_clone)", ifname_);
    return sent;
  }
  // 64 K frames a call: ~40 ms at the 1.5 Mpps measured here.
  std::uint64_t burst() const noexcept override { return 1u << 16; }

 private:
  clone_skeleton skel_;
  std::vector<std::uint8_t> frame_;
};

}  // namespace

std::unique_ptr<frame_generator> make_tc_clone(const std::string& ifname, std::vector<std::uint8_t> frame) {
  return std::make_unique<tc_clone_generator>(ifname, std::move(frame));
}

generator_support::entry probe_tc_clone() {
  try {
    clone_skeleton skel = load(0, "the probe");
    std::vector<std::uint8_t> frame(60, 0);
    frame[12] = 0x08;
    if (int err = run_clones(skel, frame, 0, 1))  // zero clones: runs, sends nothing
      return refused(err, std::string("BPF_PROG_RUN of a tc program: ") + std::strerror(err),
                     "BPF_PROG_RUN of tc programs", {4, 12, 0});
    return {true, {}};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace xdpkit::lab::backends
