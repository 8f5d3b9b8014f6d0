// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/steer_program.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/bpf/steer.skel.h"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/userspace/percpu.hpp"
#include "xdpkit/userspace/skeleton.hpp"

namespace xdpkit {

using steer_skeleton = skeleton<steer, steer__open, steer__destroy>;

// Member order is teardown order, reversed: the attachment goes first (detach),
// then the skeleton (maps and program fds).
struct steer_program::state {
  steer_skeleton skel;
  std::optional<xdp_attachment> attachment;
  std::string ifname;  // for errors, also after detach()
};

steer_program::steer_program(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
steer_program::steer_program(steer_program&&) noexcept = default;
steer_program& steer_program::operator=(steer_program&&) noexcept = default;
steer_program::~steer_program() = default;

steer_program steer_program::attach(const std::string& ifname, const steer_options& options) {
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (!ifindex)
    throw_os_error(errno, "find interface", ifname,
                   "check the name with `ip link`; inside a lab, run in its network namespace "
                   "(`ip netns exec NS xdpkit ...`)");
  auto st = std::make_unique<state>(state{steer_skeleton::open("steer"), std::nullopt, ifname});
  st->skel->rodata->no_socket_action = options.no_socket == no_socket_policy::drop ? XDP_DROP : XDP_PASS;
  st->attachment.emplace(xdp_attachment::attach(st->skel->obj, options.multi_buffer ? "xdpkit_steer_mb" : "xdpkit_steer", static_cast<int>(ifindex),
                                                ifname, options.mode));
  return steer_program(std::move(st));
}

void steer_program::bind_queue(std::uint32_t queue, int xsk_fd) {
  if (queue >= XDPKIT_MAX_QUEUES)
    throw_os_error(EINVAL, "steer queue " + std::to_string(queue), s_->ifname,
                   "queues above " + std::to_string(XDPKIT_MAX_QUEUES - 1) + " are not supported");
  int map_fd = bpf_map__fd(s_->skel->maps.xsks);
  if (bpf_map_update_elem(map_fd, &queue, &xsk_fd, BPF_ANY))
    throw_os_error(errno, "insert AF_XDP socket into xsks map for queue " + std::to_string(queue), s_->ifname);
}

void steer_program::unbind_queue(std::uint32_t queue) noexcept {
  int map_fd = bpf_map__fd(s_->skel->maps.xsks);
  bpf_map_delete_elem(map_fd, &queue);
}

steer_counters steer_program::counters() const {
  steer_counters out{};
  for (const auto& c : read_percpu<xdpkit_steer_stats>(bpf_map__fd(s_->skel->maps.steer_stats), 0,
                                                       "steer_stats of " + s_->ifname)) {
    out.rx_packets += c.rx_packets;
    out.rx_bytes += c.rx_bytes;
    out.redirected += c.redirected;
    out.passed += c.passed;
    out.dropped += c.dropped;
  }
  return out;
}

const xdp_attachment& steer_program::attachment() const noexcept { return *s_->attachment; }
void steer_program::detach() noexcept { s_->attachment.reset(); }

std::vector<std::pair<std::string, int>> steer_program::map_fds() const {
  return s_->skel.map_fds();
}

}  // namespace xdpkit
