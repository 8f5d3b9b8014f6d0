// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/channels.hpp"

#include <linux/ethtool.h>

#include <charconv>
#include <stdexcept>
#include <vector>

#include "ethtool_nl.hpp"
#include "ioctl.hpp"

namespace xdpkit::ethtool {
namespace {

std::uint32_t parse_count(std::string_view s, std::string_view whole) {
  std::uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size())
    throw std::invalid_argument("bad channel count " + xdpkit::quote(std::string(s)) + " in '" +
                                std::string(whole) + "' (expected N or rx=R,tx=T,combined=C,other=O)");
  return v;
}

}  // namespace

channels_request parse_channels_request(std::string_view text) {
  channels_request r;
  if (text.find('=') == std::string_view::npos) {
    r.combined = parse_count(text, text);  // resolved against the driver in apply_request
    r.bare = true;
    return r;
  }
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view item = text.substr(at, comma - at);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      throw std::invalid_argument("expected key=value in " + xdpkit::quote(std::string(text)));
    const std::string_view key = item.substr(0, eq);
    const std::uint32_t v = parse_count(item.substr(eq + 1), text);
    if (key == "rx") r.rx = v;
    else if (key == "tx") r.tx = v;
    else if (key == "other") r.other = v;
    else if (key == "combined") r.combined = v;
    else
      throw std::invalid_argument("unknown channel kind " + xdpkit::quote(std::string(key)) + " (rx, tx, other, combined)");
    at = comma + 1;
  }
  return r;
}

namespace {
// A count past the driver's maximum is refused here, before anything is
// journaled or changed, so `tune --dry-run` refuses it too.
void check_limit(const char* kind, std::optional<std::uint32_t> asked, std::uint32_t max, const char* what) {
  if (!asked || *asked <= max) return;
  throw std::invalid_argument(std::string(what) + ": " + kind + "=" + std::to_string(*asked) + " asked, the driver allows at most " +
                              std::to_string(max) +
                              (max == 0 ? std::string(" (it has no ") + kind + " " + what + ")" : std::string()));
}
}  // namespace

channels apply_request(const channels& now, const channels_request& want) {
  channels c = now;
  // A bare N on a device without combined channels (veth, some virtual
  // drivers) means N rx and N tx queues. An explicit combined=N does not:
  // on such a device it is refused, not quietly turned into rx and tx.
  if (want.bare && now.max_combined == 0) {
    check_limit("rx", want.combined, now.max_rx, "channels");
    check_limit("tx", want.combined, now.max_tx, "channels");
    c.rx = c.tx = *want.combined;
    return c;
  }
  check_limit("rx", want.rx, now.max_rx, "channels");
  check_limit("tx", want.tx, now.max_tx, "channels");
  check_limit("other", want.other, now.max_other, "channels");
  check_limit("combined", want.combined, now.max_combined, "channels");
  if (want.rx) c.rx = *want.rx;
  if (want.tx) c.tx = *want.tx;
  if (want.other) c.other = *want.other;
  if (want.combined) c.combined = *want.combined;
  return c;
}

std::string format_counts(const channels& c) {
  std::vector<std::string> parts;
  if (c.max_rx || c.rx) parts.push_back("rx " + std::to_string(c.rx));
  if (c.max_tx || c.tx) parts.push_back("tx " + std::to_string(c.tx));
  if (c.max_other || c.other) parts.push_back("other " + std::to_string(c.other));
  if (c.max_combined || c.combined) parts.push_back("combined " + std::to_string(c.combined));
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : ", ") + p;
  return s.empty() ? "none" : s;
}

result<channels> get_channels(const device& dev) {
  auto req = detail::zeroed<ethtool_channels>();
  req.cmd = ETHTOOL_GCHANNELS;
  if (int rc = detail::call(dev, req); rc < 0) {
    const refusal ioctl_no = detail::refuse_or_throw(dev, "ETHTOOL_GCHANNELS", rc,
                                                     "the driver does not report queue counts");
    // Some drivers answer only the netlink message; when that says "no" as
    // well, the ioctl's refusal is the one people know from ethtool(8).
    auto nl = detail::netlink_get_channels(dev);
    if (nl || !nl.refused().not_supported()) return nl;
    return ioctl_no;
  }
  return channels{req.max_rx,  req.max_tx,  req.max_other, req.max_combined,
                  req.rx_count, req.tx_count, req.other_count, req.combined_count};
}

result<applied> set_channels(const device& dev, const channels& want) {
  auto req = detail::zeroed<ethtool_channels>();
  req.cmd = ETHTOOL_SCHANNELS;
  req.max_rx = want.max_rx;
  req.max_tx = want.max_tx;
  req.max_other = want.max_other;
  req.max_combined = want.max_combined;
  req.rx_count = want.rx;
  req.tx_count = want.tx;
  req.other_count = want.other;
  req.combined_count = want.combined;
  if (int rc = detail::call(dev, req); rc < 0) {
    const std::string range =
        "asked for " + format_counts(want) + "; the driver allows at most rx " +
        std::to_string(want.max_rx) + ", tx " + std::to_string(want.max_tx) + ", other " +
        std::to_string(want.max_other) + ", combined " + std::to_string(want.max_combined) +
        " and needs at least one rx and one tx queue; the kernel also refuses fewer queues than a "
        "configured RSS table names (see `xdpkit probe " + dev.name() + "`; `xdpkit tune " + dev.name() +
        " --rss default` first)";
    const refusal ioctl_no = detail::refuse_set_or_throw(dev, "ETHTOOL_SCHANNELS", rc,
                                                         "the driver cannot change its queue counts", range);
    if (!ioctl_no.not_supported()) return ioctl_no;
    auto nl = detail::netlink_set_channels(dev, want, range);
    if (nl || !nl.refused().not_supported()) return nl;
    return ioctl_no;
  }
  return applied{};
}

}  // namespace xdpkit::ethtool
