// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/xdp_sink.hpp"

#include <net/if.h>

#include <cerrno>
#include <optional>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/bpf/lab_sink.skel.h"
#include "xdpkit/bpf/lab_sink_abi.h"
#include "xdpkit/userspace/percpu.hpp"
#include "xdpkit/userspace/skeleton.hpp"
#include "xdpkit/userspace/xdp_attachment.hpp"

namespace xdpkit::lab {

using sink_skeleton = skeleton<lab_sink, lab_sink__open, lab_sink__destroy>;

// Member order is teardown order, reversed: detach first, then the skeleton.
struct xdp_sink::state {
  sink_skeleton skel;
  std::optional<xdp_attachment> attachment;

  xdpkit_lab_sink_stats sum() const {
    xdpkit_lab_sink_stats out{};
    for (const auto& c : read_percpu<xdpkit_lab_sink_stats>(bpf_map__fd(skel->maps.sink_stats), 0,
                                                            "lab sink of " + attachment->ifname())) {
      out.packets += c.packets;
      out.bytes += c.bytes;
    }
    return out;
  }
};

xdp_sink::xdp_sink(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
xdp_sink::xdp_sink(xdp_sink&&) noexcept = default;
xdp_sink& xdp_sink::operator=(xdp_sink&&) noexcept = default;
xdp_sink::~xdp_sink() = default;

xdp_sink xdp_sink::attach(const std::string& ifname, bool multi_buffer) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (!ifindex) throw_os_error(errno, "find interface for the lab sink", ifname);
  auto st = std::make_unique<state>(state{sink_skeleton::open("lab_sink"), std::nullopt});
  st->attachment.emplace(xdp_attachment::attach(st->skel->obj, multi_buffer ? "xdpkit_sink_mb" : "xdpkit_lab_sink",
                                                static_cast<int>(ifindex), ifname,
                                                xdp_mode_request::native));
  return xdp_sink(std::move(st));
}

std::uint64_t xdp_sink::packets() const { return s_->sum().packets; }
std::uint64_t xdp_sink::bytes() const { return s_->sum().bytes; }

}  // namespace xdpkit::lab
