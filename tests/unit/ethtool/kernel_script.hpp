// SPDX-License-Identifier: Apache-2.0
// Scripted sequences several tests need: the kernel's side of channel
// queries, string sets, feature blocks and RSS reads, on interface "eth0" unless named.
#pragma once

#include <linux/ethtool.h>

#include <string>
#include <vector>

#include "scripted_transport.hpp"

namespace xdpkit::ethtool::testing {

// GSSET_INFO + GSTRINGS answering `names` for string set `set`.
void expect_strings(scripted_transport& io, std::uint32_t set, const std::vector<std::string>& names,
                    const std::string& ifname = "eth0");
// GFEATURES with two blocks.
void expect_gfeatures(scripted_transport& io, ethtool_get_features_block b0, ethtool_get_features_block b1,
                      const std::string& ifname = "eth0");
// GCHANNELS answering `reply` (its max_* and counts).
void expect_gchannels(scripted_transport& io, const ethtool_channels& reply, const std::string& ifname = "eth0");
// SCHANNELS with every field of `want` (cmd filled in), answered with `rc`.
void expect_schannels(scripted_transport& io, ethtool_channels want, int rc = 0, const std::string& ifname = "eth0");
// GRXRINGS + GRSSH (sizes) + GRSSH (data): what get_rss asks, answering `rings`
// rx rings and `table`, with no key.
void expect_get_rss(scripted_transport& io, std::uint32_t rings, const std::vector<std::uint32_t>& table,
                    const std::string& ifname = "eth0");

}  // namespace xdpkit::ethtool::testing
