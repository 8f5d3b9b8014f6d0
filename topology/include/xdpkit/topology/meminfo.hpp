// SPDX-License-Identifier: Apache-2.0
// /proc/meminfo and /sys/devices/system/node/nodeN/meminfo.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::topology {

struct meminfo {
  // Key -> value as written: kB for "... kB" lines, a count for the others
  // (HugePages_Total, HugePages_Free, ...). Per-node files lose their "Node N "
  // prefix, so both files use the same keys.
  std::map<std::string, std::uint64_t, std::less<>> values;
  std::optional<int> node;  // set when the text came from a node's meminfo

  std::optional<std::uint64_t> get(std::string_view key) const;
};

// Parses either format. Blank lines are skipped. Throws parse_error naming
// `source` for a line without "key:" and a decimal value, or a node file whose
// lines name different nodes.
meminfo parse_meminfo(std::string_view text, std::string_view source = {});
// /proc/meminfo. Throws os_error, parse_error.
meminfo read_meminfo(const host_root& root);
// /sys/devices/system/node/node<N>/meminfo. Throws os_error (ENOENT for an
// unknown node), parse_error.
meminfo read_node_meminfo(const host_root& root, unsigned node);

}  // namespace xdpkit::topology
