// SPDX-License-Identifier: Apache-2.0
// --queue as `run` and `forward` take it: numbers, lists ("0-3"), or "all".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xdpkit/topology/host.hpp"

namespace xdpkit::cli {

// "all" is every rx queue the interface has (sysfs, in this namespace; `nic`
// null when the snapshot does not list it); otherwise the numbers and lists
// in the order given. Throws std::invalid_argument naming the word, or a
// queue named twice.
std::vector<std::uint32_t> resolve_queues(const std::vector<std::string>& words, const topology::nic_info* nic,
                                          const std::string& ifname);

}  // namespace xdpkit::cli
