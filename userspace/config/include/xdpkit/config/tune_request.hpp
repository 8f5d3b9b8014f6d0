// SPDX-License-Identifier: Apache-2.0
// [interface.tune] (and `xdpkit tune`'s options, which are the same words) as
// the request ethtool::tune() carries out: one translation for both.
#pragma once

#include "xdpkit/config/config.hpp"
#include "xdpkit/ethtool/tune.hpp"

namespace xdpkit::config {

// Throws what the parsers throw (std::invalid_argument, topology::parse_error)
// for a value that is not valid; parse_config() has already checked a
// config's values with these same parsers.
ethtool::tune_request to_tune_request(const tune_settings& settings);

}  // namespace xdpkit::config
