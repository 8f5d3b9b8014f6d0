// SPDX-License-Identifier: Apache-2.0
// `xdpkit probe IF`: everything the driver can and cannot do, in one stable
// JSON document (keys in a fixed order, no counters or timestamps, so two
// probes of an unchanged device are byte-identical) and a human table made
// from that document.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::ethtool {

struct probe_options {
  // Where /sys and /proc are (a namespace's own sysfs mount, a fixture tree).
  topology::host_root root{"/"};
  // Upper bound on ntuple rules listed; the count is always reported.
  std::size_t max_rules = 256;
};

// Each section is {"supported": true, ...} or {"supported": false, "reason":
// "<op> on <if>: <errno text> — <hint>"}. Throws os_error only when the
// interface does not exist (ENODEV) or the caller lacks privileges for the
// basic query.
nlohmann::ordered_json probe(const device& dev, const probe_options& options = {});

// The table `xdpkit probe` prints.
std::string format_probe(const nlohmann::ordered_json& report);

}  // namespace xdpkit::ethtool
