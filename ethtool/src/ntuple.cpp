// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/ntuple.hpp"

#include <linux/ethtool.h>

#include <algorithm>
#include <cstring>

#include "ioctl.hpp"

namespace xdpkit::ethtool {
namespace {

constexpr const char* kNoNtuple =
    "the driver has no ntuple filters, or the rx-ntuple-filter feature is off (`xdpkit tune IF --ntuple RULE` turns it on)";

result<std::uint32_t> insert_at(const device& dev, const flow_rule& rule, std::uint32_t location) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_SRXCLSRLINS;
  req.fs = rule.fs;
  req.fs.location = location;
  req.rss_context = rule.rss_context;
  if (int rc = detail::call(dev, req); rc < 0)
    return detail::refuse_set_or_throw(
        dev, "ETHTOOL_SRXCLSRLINS", rc, kNoNtuple,
        "the driver cannot match '" + format_rule(rule) +
            "' (a field, mask or action it does not support, or a queue that does not exist)");
  return req.fs.location;
}

}  // namespace

result<rule_table> get_rule_count(const device& dev) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_GRXCLSRLCNT;
  if (int rc = detail::call(dev, req); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GRXCLSRLCNT", rc, kNoNtuple);
  rule_table t;
  t.count = req.rule_cnt;
  t.size = static_cast<std::uint32_t>(req.data & ~std::uint64_t{RX_CLS_LOC_SPECIAL});
  t.special_locations = (req.data & RX_CLS_LOC_SPECIAL) != 0;
  return t;
}

result<std::vector<std::uint32_t>> get_rule_locations(const device& dev) {
  const auto count = get_rule_count(dev);
  if (!count) return count.refused();
  // ethtool_rxnfc ends in a flexible array of locations the kernel fills.
  const std::uint32_t n = count->count;
  std::vector<std::byte> buf(sizeof(ethtool_rxnfc) + n * sizeof(std::uint32_t), std::byte{0});
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_GRXCLSRLALL;
  req.rule_cnt = n;
  std::memcpy(buf.data(), &req, sizeof req);
  if (int rc = dev.io().ethtool_ioctl(dev.name(), buf); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GRXCLSRLALL", rc, kNoNtuple);
  std::memcpy(&req, buf.data(), sizeof req);
  // A rule added between the two calls makes the kernel fail with ENOSPC
  // rather than overrun; a rule removed shrinks rule_cnt.
  std::vector<std::uint32_t> locs(std::min(req.rule_cnt, n));
  std::memcpy(locs.data(), buf.data() + sizeof(ethtool_rxnfc), locs.size() * sizeof(std::uint32_t));
  std::sort(locs.begin(), locs.end());
  return locs;
}

result<flow_rule> get_rule(const device& dev, std::uint32_t location) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_GRXCLSRULE;
  req.fs.location = location;
  if (int rc = detail::call(dev, req); rc < 0) {
    if (-rc == ENOENT) return refusal{"ETHTOOL_GRXCLSRULE", dev.name(), ENOENT, "no rule at location " + std::to_string(location)};
    return detail::refuse_set_or_throw(dev, "ETHTOOL_GRXCLSRULE", rc, kNoNtuple,
                                       "no rule at location " + std::to_string(location));
  }
  flow_rule r;
  r.fs = req.fs;
  r.rss_context = (req.fs.flow_type & FLOW_RSS) ? req.rss_context : 0;
  return r;
}

result<std::vector<flow_rule>> get_rules(const device& dev) {
  const auto locs = get_rule_locations(dev);
  if (!locs) return locs.refused();
  std::vector<flow_rule> rules;
  for (std::uint32_t loc : *locs) {
    auto r = get_rule(dev, loc);
    if (!r) return r.refused();
    rules.push_back(*r);
  }
  return rules;
}

result<std::uint32_t> insert_rule(const device& dev, const flow_rule& rule) {
  if (rule.fs.location != RX_CLS_LOC_ANY) return insert_at(dev, rule, rule.fs.location);

  const auto table = get_rule_count(dev);
  if (table && !table->special_locations && table->size > 0) {
    // No special locations: pick the last free slot ourselves, lowest
    // priority first, as ethtool's rule manager does.
    const auto used = get_rule_locations(dev);
    if (!used) return used.refused();
    for (std::uint32_t loc = table->size; loc-- > 0;)
      if (!std::binary_search(used->begin(), used->end(), loc)) return insert_at(dev, rule, loc);
    return refusal{"ETHTOOL_SRXCLSRLINS", dev.name(), ENOSPC,
                   "the rule table is full (" + std::to_string(table->size) +
                       " rules); delete one first"};
  }
  return insert_at(dev, rule, RX_CLS_LOC_ANY);
}

result<applied> delete_rule(const device& dev, std::uint32_t location) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_SRXCLSRLDEL;
  req.fs.location = location;
  if (int rc = detail::call(dev, req); rc < 0) {
    if (-rc == ENOENT) return refusal{"ETHTOOL_SRXCLSRLDEL", dev.name(), ENOENT, "no rule at location " + std::to_string(location)};
    return detail::refuse_set_or_throw(dev, "ETHTOOL_SRXCLSRLDEL", rc, kNoNtuple,
                                       "no rule at location " + std::to_string(location));
  }
  return applied{};
}

}  // namespace xdpkit::ethtool
