// SPDX-License-Identifier: Apache-2.0
// The names of the firewall's counters (bpf/include/xdpkit/bpf/firewall_abi.h),
// as the summary's JSON keys and the metrics' label values spell them: one
// list, so the two never disagree.
#pragma once

#include <string_view>

#include "xdpkit/bpf/firewall_abi.h"

namespace xdpkit::firewall {

// "rule", "default", "not_ip", ..., "no_socket"; "" out of range.
std::string_view reason_name(int reason) noexcept;
// "aborted", "drop", "pass", "tx", "redirect"; "" out of range.
std::string_view verdict_name(int verdict) noexcept;
// "pass", "drop", "tx", "redirect_xsk", "redirect_dev"; "" out of range.
std::string_view action_name(int action) noexcept;

}  // namespace xdpkit::firewall
