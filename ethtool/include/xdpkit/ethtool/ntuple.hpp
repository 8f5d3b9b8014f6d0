// SPDX-License-Identifier: Apache-2.0
// ntuple / RX flow classification rules (ETHTOOL_GRXCLSRLCNT, GRXCLSRLALL,
// GRXCLSRULE, SRXCLSRLINS, SRXCLSRLDEL; `ethtool -n/-N/-U`).
#pragma once

#include <cstdint>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"
#include "xdpkit/ethtool/rule.hpp"

namespace xdpkit::ethtool {

struct rule_table {
  std::uint32_t count = 0;       // rules defined now
  std::uint32_t size = 0;        // table size; 0 when the driver does not say
  bool special_locations = false;  // the driver picks locations (RX_CLS_LOC_ANY)

  bool operator==(const rule_table&) const = default;
};

// Refused with EOPNOTSUPP when the driver has no classification rules.
result<rule_table> get_rule_count(const device& dev);
result<std::vector<std::uint32_t>> get_rule_locations(const device& dev);
// Refused with EINVAL/ENOENT when no rule sits at `location`.
result<flow_rule> get_rule(const device& dev, std::uint32_t location);
// All rules in location order.
result<std::vector<flow_rule>> get_rules(const device& dev);

// Inserts `rule` and returns its location. With no `loc` in the rule the
// driver picks one (RX_CLS_LOC_ANY) when it can; drivers without special
// locations get the last free slot, as ethtool(8) does. Refused with
// EOPNOTSUPP (no ntuple filters, or the rx-ntuple-filter feature is off),
// EINVAL (the driver cannot match this rule or the queue does not exist) or
// ENOSPC (the table is full).
result<std::uint32_t> insert_rule(const device& dev, const flow_rule& rule);

// Refused with EINVAL/ENOENT when nothing is at `location`.
result<applied> delete_rule(const device& dev, std::uint32_t location);

}  // namespace xdpkit::ethtool
