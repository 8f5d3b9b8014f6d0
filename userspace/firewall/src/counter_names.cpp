// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/firewall/counter_names.hpp"

#include <array>

namespace xdpkit::firewall {

namespace {
constexpr std::array<std::string_view, XDPKIT_FW_NR_REASONS> kReasons = {
    "rule",     "default",      "not_ip", "short_eth",       "bad_vlan", "bad_ipv4",
    "bad_ipv6", "bad_ipv6_ext", "bad_l4", "redirect_failed", "no_socket"};
constexpr std::array<std::string_view, XDPKIT_FW_NR_VERDICTS> kVerdicts = {"aborted", "drop", "pass", "tx", "redirect"};
constexpr std::array<std::string_view, XDPKIT_FW_NR_ACTIONS> kActions = {"pass", "drop", "tx", "redirect_xsk",
                                                                         "redirect_dev"};
static_assert(kActions[XDPKIT_FW_REDIRECT_DEV] == "redirect_dev", "a name for every action, in the ABI's order");
static_assert(kReasons[XDPKIT_FW_R_NO_SOCKET] == "no_socket", "a name for every reason, in the ABI's order");
static_assert(kVerdicts[XDPKIT_FW_V_REDIRECT] == "redirect", "a name for every verdict, in the ABI's order");
}  // namespace

std::string_view reason_name(int r) noexcept {
  return r >= 0 && r < XDPKIT_FW_NR_REASONS ? kReasons[static_cast<std::size_t>(r)] : std::string_view{};
}
std::string_view verdict_name(int v) noexcept {
  return v >= 0 && v < XDPKIT_FW_NR_VERDICTS ? kVerdicts[static_cast<std::size_t>(v)] : std::string_view{};
}

std::string_view action_name(int a) noexcept {
  return a >= 0 && a < XDPKIT_FW_NR_ACTIONS ? kActions[static_cast<std::size_t>(a)] : std::string_view{};
}

}  // namespace xdpkit::firewall
