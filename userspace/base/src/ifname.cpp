// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/ifname.hpp"

namespace xdpkit {

bool is_valid_ifname(std::string_view name) noexcept {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  for (const char c : name)
    if (c == '/' || c == ':' || c == '\0' || c == ' ' || (c >= '\t' && c <= '\r')) return false;
  return true;
}

}  // namespace xdpkit
