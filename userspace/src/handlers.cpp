// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/handlers.hpp"

namespace xdpkit {

std::string_view to_string(handler_kind h) noexcept {
  switch (h) {
    case handler_kind::rxdrop: return "rxdrop";
    case handler_kind::l2fwd: return "l2fwd";
  }
  return "?";
}

std::optional<handler_kind> parse_handler_kind(std::string_view name) noexcept {
  if (name == "rxdrop") return handler_kind::rxdrop;
  if (name == "l2fwd") return handler_kind::l2fwd;
  return std::nullopt;
}

}  // namespace xdpkit
