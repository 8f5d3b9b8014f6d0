// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/rings.hpp"

#include <linux/ethtool.h>

#include <charconv>
#include <stdexcept>

#include "ethtool_nl.hpp"
#include "ioctl.hpp"

namespace xdpkit::ethtool {

rings_request parse_rings_request(std::string_view text) {
  rings_request r;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view item = text.substr(at, comma - at);
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    std::uint32_t v = 0;
    const std::string_view num = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (eq == std::string_view::npos || ec != std::errc{} || p != num.data() + num.size() || num.empty())
      throw std::invalid_argument("bad ring size " + xdpkit::quote(std::string(item)) + " in '" +
                                  std::string(text) + "' (expected rx=R,tx=T,rx-mini=M,rx-jumbo=J)");
    if (key == "rx") r.rx = v;
    else if (key == "tx") r.tx = v;
    else if (key == "rx-mini") r.rx_mini = v;
    else if (key == "rx-jumbo") r.rx_jumbo = v;
    else
      throw std::invalid_argument("unknown ring " + xdpkit::quote(std::string(key)) + " (rx, tx, rx-mini, rx-jumbo)");
    at = comma + 1;
  }
  return r;
}

namespace {
// The kernel refuses a size past the driver's maximum (EINVAL, no number);
// refusing it here names the maximum, and `tune --dry-run` refuses it too.
void check_limit(const char* ring, std::optional<std::uint32_t> asked, std::uint32_t max) {
  if (!asked || *asked <= max) return;
  throw std::invalid_argument(std::string("rings: ") + ring + "=" + std::to_string(*asked) +
                              " asked, the driver allows at most " + std::to_string(max) +
                              (max == 0 ? std::string(" (its ") + ring + " ring size cannot be set)" : std::string()));
}
}  // namespace

rings apply_request(const rings& now, const rings_request& want) {
  check_limit("rx", want.rx, now.max_rx);
  check_limit("tx", want.tx, now.max_tx);
  check_limit("rx-mini", want.rx_mini, now.max_rx_mini);
  check_limit("rx-jumbo", want.rx_jumbo, now.max_rx_jumbo);
  rings r = now;
  if (want.rx) r.rx = *want.rx;
  if (want.tx) r.tx = *want.tx;
  if (want.rx_mini) r.rx_mini = *want.rx_mini;
  if (want.rx_jumbo) r.rx_jumbo = *want.rx_jumbo;
  return r;
}

result<rings> get_rings(const device& dev) {
  auto req = detail::zeroed<ethtool_ringparam>();
  req.cmd = ETHTOOL_GRINGPARAM;
  if (int rc = detail::call(dev, req); rc < 0) {
    const refusal ioctl_no =
        detail::refuse_or_throw(dev, "ETHTOOL_GRINGPARAM", rc, "the driver has no ring size control");
    // Netlink-only drivers; see channels.cpp.
    auto nl = detail::netlink_get_rings(dev);
    if (nl || !nl.refused().not_supported()) return nl;
    return ioctl_no;
  }
  return rings{req.rx_max_pending, req.rx_mini_max_pending, req.rx_jumbo_max_pending,
               req.tx_max_pending, req.rx_pending,          req.rx_mini_pending,
               req.rx_jumbo_pending, req.tx_pending};
}

result<applied> set_rings(const device& dev, const rings& want) {
  auto req = detail::zeroed<ethtool_ringparam>();
  req.cmd = ETHTOOL_SRINGPARAM;
  req.rx_max_pending = want.max_rx;
  req.rx_mini_max_pending = want.max_rx_mini;
  req.rx_jumbo_max_pending = want.max_rx_jumbo;
  req.tx_max_pending = want.max_tx;
  req.rx_pending = want.rx;
  req.rx_mini_pending = want.rx_mini;
  req.rx_jumbo_pending = want.rx_jumbo;
  req.tx_pending = want.tx;
  if (int rc = detail::call(dev, req); rc < 0) {
    const std::string range = "asked for rx " + std::to_string(want.rx) + ", tx " +
                              std::to_string(want.tx) + "; the driver allows at most rx " +
                              std::to_string(want.max_rx) + ", tx " + std::to_string(want.max_tx) +
                              " (some drivers also want powers of two)";
    const refusal ioctl_no = detail::refuse_set_or_throw(dev, "ETHTOOL_SRINGPARAM", rc,
                                                         "the driver cannot change its ring sizes", range);
    if (!ioctl_no.not_supported()) return ioctl_no;
    auto nl = detail::netlink_set_rings(dev, want, range);
    if (nl || !nl.refused().not_supported()) return nl;
    return ioctl_no;
  }
  return applied{};
}

}  // namespace xdpkit::ethtool
