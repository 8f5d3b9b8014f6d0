// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/privilege_hint.hpp"

#include <unistd.h>

namespace xdpkit {

std::string privilege_hint(std::string_view capabilities) {
  if (::geteuid() != 0)
    return capabilities.empty() ? "run as root" : "run as root (" + std::string(capabilities) + ")";
  std::string s = "xdpkit already runs as root and was refused: ";
  s += capabilities.empty() ? "a read-only mount" : "a container without " + std::string(capabilities);
  return s + ", kernel lockdown or a security module (SELinux, AppArmor)";
}

}  // namespace xdpkit
