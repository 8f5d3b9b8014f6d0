// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/qstats.hpp"

#include <algorithm>

#include "nlattr.hpp"

namespace xdpkit::ethtool {
namespace {

// From the kernel's Documentation/netlink/specs/netdev.yaml (ABI, stable).
constexpr std::uint8_t kCmdQstatsGet = 12;
constexpr std::uint16_t kAttrIfindex = 1;
constexpr std::uint16_t kAttrQueueType = 2;  // 0 rx, 1 tx
constexpr std::uint16_t kAttrQueueId = 3;
constexpr std::uint16_t kAttrScope = 4;
constexpr std::uint32_t kScopeQueue = 1;
constexpr std::uint16_t kAttrRxPackets = 8;
constexpr std::uint16_t kAttrRxBytes = 9;
constexpr std::uint16_t kAttrTxPackets = 10;
constexpr std::uint16_t kAttrTxBytes = 11;

}  // namespace

result<std::vector<queue_counters>> get_queue_counters(const device& dev) {
  const int ifindex = dev.io().ifindex(dev.name());
  if (ifindex < 0) throw os_error(-ifindex, "SIOCGIFINDEX", dev.name(), "is the interface in this network namespace?");

  genl_request req;
  req.family = "netdev";
  req.cmd = kCmdQstatsGet;
  req.version = 1;
  req.dump = true;  // the kernel has only a dump for it
  req.attrs = detail::nlattr_writer{}.u32(kAttrIfindex, static_cast<std::uint32_t>(ifindex)).u32(kAttrScope, kScopeQueue).take();
  std::vector<std::vector<std::byte>> replies;
  const int rc = dev.io().genl(req, replies);
  if (rc == -ENOENT && replies.empty())
    return refusal{"netdev QSTATS_GET", dev.name(), EOPNOTSUPP,
                   "the kernel has no netdev netlink family (needs Linux 6.3 or later)"};
  if (rc == -EOPNOTSUPP)
    return refusal{"netdev QSTATS_GET", dev.name(), EOPNOTSUPP,
                   "the kernel's netdev family has no per-queue statistics (needs Linux 6.10 or later)"};
  if (rc < 0) throw os_error(-rc, "netdev QSTATS_GET", dev.name());
  std::vector<queue_counters> out;
  for (const auto& r : replies) {
    const auto type = detail::nlattr_uint(r, kAttrQueueType);
    const auto id = detail::nlattr_uint(r, kAttrQueueId);
    if (!type || !id) continue;  // not a per-queue answer
    queue_counters q;
    q.rx = *type == 0;
    q.queue = static_cast<std::uint32_t>(*id);
    q.packets = detail::nlattr_uint(r, q.rx ? kAttrRxPackets : kAttrTxPackets);
    q.bytes = detail::nlattr_uint(r, q.rx ? kAttrRxBytes : kAttrTxBytes);
    out.push_back(q);
  }
  if (out.empty())
    return refusal{"netdev QSTATS_GET", dev.name(), EOPNOTSUPP,
                   "the driver reports no per-queue statistics to the kernel's core"};
  std::sort(out.begin(), out.end(), [](const queue_counters& a, const queue_counters& b) {
    return a.rx != b.rx ? a.rx : a.queue < b.queue;
  });
  return out;
}

}  // namespace xdpkit::ethtool
