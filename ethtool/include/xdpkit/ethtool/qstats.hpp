// SPDX-License-Identifier: Apache-2.0
// Per-queue counters kept by the kernel's core for drivers that report them
// (netdev netlink QSTATS_GET, Linux 6.10+): packets and bytes per rx and tx
// queue. Some drivers count per queue only here: virtio-net from 6.12 on has
// no per-queue packet counters in `ethtool -S` (found by tools/rig).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

struct queue_counters {
  bool rx = true;  // an rx queue; false: a tx queue
  std::uint32_t queue = 0;
  std::optional<std::uint64_t> packets;  // absent when the driver doesn't count it
  std::optional<std::uint64_t> bytes;

  bool operator==(const queue_counters&) const = default;
};

// Every queue the driver reports, rx queues first, by queue number. Refused
// (EOPNOTSUPP) on kernels without the netdev family or its QSTATS_GET command,
// and when the driver reports no per-queue statistics to the core.
result<std::vector<queue_counters>> get_queue_counters(const device& dev);

}  // namespace xdpkit::ethtool
