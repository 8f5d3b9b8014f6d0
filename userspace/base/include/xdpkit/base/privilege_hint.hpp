// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace xdpkit {

// The hint for EPERM/EACCES. To a user who is not root: "run as root" and
// the capabilities, if named. To root, that advice is wrong and would send
// them in circles; say instead what refuses root.
std::string privilege_hint(std::string_view capabilities = {});

}  // namespace xdpkit
