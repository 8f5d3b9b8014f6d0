// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/config/tune_request.hpp"

#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"
#include "xdpkit/ethtool/rings.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/ethtool/rule.hpp"
#include "xdpkit/topology/cpu_set.hpp"

namespace xdpkit::config {

ethtool::tune_request to_tune_request(const tune_settings& s) {
  ethtool::tune_request req;
  if (s.channels) req.channels = ethtool::parse_channels_request(*s.channels);
  if (s.rings) req.rings = ethtool::parse_rings_request(*s.rings);
  if (s.rss) req.rss = ethtool::parse_rss_request(*s.rss);
  if (s.rss_key) req.rss_key = ethtool::parse_rss_key(*s.rss_key);
  for (const auto& h : s.hash) req.hash.push_back(ethtool::parse_hash_request(h));
  for (const auto& r : s.ntuple) req.ntuple.push_back(ethtool::parse_rule(r));
  if (s.irq_affinity) {
    // Checked with the other syntax, before any step changes the device.
    if (*s.irq_affinity != "local") (void)topology::cpu_set::parse_list(*s.irq_affinity, "irq_affinity");
    req.irq_affinity = *s.irq_affinity;
  }
  if (s.rps) req.rps = topology::cpu_set::parse_list(*s.rps, "rps");
  if (s.xps) req.xps = topology::cpu_set::parse_list(*s.xps, "xps");
  req.busy_poll = s.busy_poll;
  return req;
}

}  // namespace xdpkit::config
