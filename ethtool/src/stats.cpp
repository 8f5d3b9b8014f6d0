// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/stats.hpp"

#include <linux/ethtool.h>

#include <cstring>

#include "ioctl.hpp"
#include "strings.hpp"

namespace xdpkit::ethtool {

result<stat_list> get_stats(const device& dev) {
  auto names = detail::get_string_set(dev, ETH_SS_STATS);
  if (!names) return names.refused();
  const std::uint32_t n = static_cast<std::uint32_t>(names->size());
  std::vector<std::byte> buf(sizeof(ethtool_stats) + std::size_t{n} * sizeof(std::uint64_t), std::byte{0});
  auto hdr = detail::zeroed<ethtool_stats>();
  hdr.cmd = ETHTOOL_GSTATS;
  hdr.n_stats = n;
  std::memcpy(buf.data(), &hdr, sizeof hdr);
  if (int rc = dev.io().ethtool_ioctl(dev.name(), buf); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GSTATS", rc, "the driver keeps no statistics");
  std::memcpy(&hdr, buf.data(), sizeof hdr);
  // The count can shrink between the two calls (queues removed meanwhile).
  const std::uint32_t got = std::min(hdr.n_stats, n);
  stat_list out;
  out.reserve(got);
  for (std::uint32_t i = 0; i < got; ++i) {
    std::uint64_t v;
    std::memcpy(&v, buf.data() + sizeof hdr + std::size_t{i} * sizeof v, sizeof v);
    out.emplace_back((*names)[i], v);
  }
  return out;
}

}  // namespace xdpkit::ethtool
