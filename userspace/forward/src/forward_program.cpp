// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/forward/forward_program.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>

#include <cerrno>
#include <optional>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/bpf/forward.skel.h"
#include "xdpkit/userspace/percpu.hpp"
#include "xdpkit/userspace/skeleton.hpp"

namespace xdpkit::forward {

using forward_skeleton = skeleton<::forward, forward__open, forward__destroy>;

// Member order is teardown order, reversed: the attachment goes first
// (detach), then the skeleton (maps and program fds).
struct forward_program::state {
  forward_skeleton skel;
  std::string ingress, egress;
  std::optional<xdp_attachment> attachment;
};

forward_program::forward_program(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
forward_program::forward_program(forward_program&&) noexcept = default;
forward_program& forward_program::operator=(forward_program&&) noexcept = default;
forward_program::~forward_program() = default;

namespace {
unsigned ifindex_of(const std::string& ifname, const char* role) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (!ifindex)
    throw_os_error(errno, std::string("find ") + role + " interface", ifname,
                   "check the name with `ip link`; inside a lab, run in its network namespace "
                   "(`ip netns exec NS xdpkit ...`)");
  return ifindex;
}
}  // namespace

forward_program forward_program::attach(const std::string& ingress, const std::string& egress, xdp_mode_request mode,
                                        bool multi_buffer) {
  const unsigned in = ifindex_of(ingress, "ingress");
  const unsigned out = ifindex_of(egress, "egress");
  auto st = std::make_unique<state>(state{forward_skeleton::open("forward"), ingress, egress, std::nullopt});
  st->skel->rodata->xmit_back = in == out ? 1 : 0;
  st->attachment.emplace(
      xdp_attachment::attach(st->skel->obj, multi_buffer ? "xdpkit_fwd_mb" : "xdpkit_forward", static_cast<int>(in),
                             ingress, mode));
  return forward_program(std::move(st));
}

void forward_program::go_live() {
  if (s_->skel->rodata->xmit_back) return;  // XDP_TX needs no egress slot
  const unsigned out = ifindex_of(s_->egress, "egress");
  const std::uint32_t slot = 0;
  if (bpf_map_update_elem(bpf_map__fd(s_->skel->maps.fwd_egress), &slot, &out, BPF_ANY)) {
    const int err = errno;
    throw_os_error(err, "make " + s_->egress + " the egress of " + s_->ingress + " (devmap)", s_->egress,
                   err == EOPNOTSUPP || err == EINVAL
                       ? "its driver cannot transmit XDP frames (no ndo_xdp_xmit); use another interface"
                       : "");
  }
}

forward_counters forward_program::counters() const {
  forward_counters out{};
  for (const auto& c : read_percpu<xdpkit_fwd_stats>(bpf_map__fd(s_->skel->maps.fwd_stats), 0,
                                                     "fwd_stats of " + s_->ingress)) {
    out.rx_packets += c.rx_packets;
    out.rx_bytes += c.rx_bytes;
    out.forwarded += c.forwarded;
    out.not_live += c.not_live;
  }
  return out;
}

const xdp_attachment& forward_program::attachment() const noexcept { return *s_->attachment; }
const std::string& forward_program::egress() const noexcept { return s_->egress; }
const std::string& forward_program::ingress() const noexcept { return s_->ingress; }
void forward_program::detach() noexcept { s_->attachment.reset(); }

}  // namespace xdpkit::forward
