// SPDX-License-Identifier: Apache-2.0
// Whether a string could name a network interface: the kernel's
// dev_valid_name(). An interface name becomes a path (/sys/class/net/NAME, a
// journal's file name), so one that could not be an interface must be
// refused before it is used as one.
#pragma once

#include <string_view>

namespace xdpkit {

// 1-15 bytes, not "." or "..", no '/', ':', NUL or white space.
bool is_valid_ifname(std::string_view name) noexcept;

// What the rule is, for the message that refuses a name.
inline constexpr std::string_view ifname_rule = "1-15 bytes without '/', ':' or white space";

}  // namespace xdpkit
