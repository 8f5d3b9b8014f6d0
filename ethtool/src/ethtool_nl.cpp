// SPDX-License-Identifier: Apache-2.0
#include "ethtool_nl.hpp"

#include <linux/ethtool_netlink.h>

#include <cerrno>
#include <string>
#include <vector>

#include "ioctl.hpp"
#include "nlattr.hpp"

namespace xdpkit::ethtool::detail {
namespace {

using attrs = std::vector<std::byte>;

constexpr const char* kNoFamily = "the kernel has no ethtool netlink family (needs Linux 5.6 or later)";

// Sends one ethtool-family request: the message's header nest naming the
// device, then `body`. GETs return the reply's attribute stream in `reply`.
int ethnl(const device& dev, std::uint8_t cmd, std::uint16_t header_attr, const attrs& body, attrs* reply) {
  genl_request req;
  req.family = ETHTOOL_GENL_NAME;
  req.cmd = cmd;
  req.version = ETHTOOL_GENL_VERSION;
  req.attrs = nlattr_writer{}
                  .nested(header_attr, nlattr_writer{}.str(ETHTOOL_A_HEADER_DEV_NAME, dev.name()).take())
                  .take();
  req.attrs.insert(req.attrs.end(), body.begin(), body.end());
  std::vector<std::vector<std::byte>> replies;
  const int rc = dev.io().genl(req, replies);
  if (rc < 0) return rc;
  if (reply) {
    // A GET is answered by one message that starts with the header nest.
    if (replies.empty() || !nlattr_find(replies.front(), header_attr))
      throw os_error(EPROTO, std::string("ethtool netlink ") + (cmd == ETHTOOL_MSG_CHANNELS_GET ? "CHANNELS_GET" : "RINGS_GET"), dev.name(), "the kernel's answer has no header attribute");
    *reply = std::move(replies.front());
  }
  return 0;
}

refusal refuse(const device& dev, const std::string& op, int rc, const std::string& unsupported,
               const std::string& range) {
  if (rc == -ENOENT) return refusal{op, dev.name(), EOPNOTSUPP, kNoFamily};
  if (rc == -EOPNOTSUPP) return refusal{op, dev.name(), EOPNOTSUPP, unsupported};
  if (rc == -EINVAL && !range.empty()) return refusal{op, dev.name(), EINVAL, range};
  throw os_error(-rc, op, dev.name(), advice(-rc));
}

std::uint32_t u32_or_0(const attrs& a, std::uint16_t type) { return nlattr_u32(a, type).value_or(0); }

}  // namespace

// The kernel puts a max/count pair only for the kinds the driver has
// (channels_fill_reply, rings_fill_reply skip zero maxima), so an absent
// attribute is 0, as the ioctl would say.
result<channels> netlink_get_channels(const device& dev) {
  const std::string op = "ethtool netlink CHANNELS_GET";
  attrs r;
  if (int rc = ethnl(dev, ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_A_CHANNELS_HEADER, {}, &r); rc < 0)
    return refuse(dev, op, rc, "the driver does not report queue counts", "");
  return channels{u32_or_0(r, ETHTOOL_A_CHANNELS_RX_MAX),       u32_or_0(r, ETHTOOL_A_CHANNELS_TX_MAX),
                  u32_or_0(r, ETHTOOL_A_CHANNELS_OTHER_MAX),    u32_or_0(r, ETHTOOL_A_CHANNELS_COMBINED_MAX),
                  u32_or_0(r, ETHTOOL_A_CHANNELS_RX_COUNT),     u32_or_0(r, ETHTOOL_A_CHANNELS_TX_COUNT),
                  u32_or_0(r, ETHTOOL_A_CHANNELS_OTHER_COUNT),  u32_or_0(r, ETHTOOL_A_CHANNELS_COMBINED_COUNT)};
}

result<applied> netlink_set_channels(const device& dev, const channels& want, const std::string& range_hint) {
  // Every count, like the ioctl's SCHANNELS: the kernel changes only those
  // that differ and checks each against the driver's maximum.
  const attrs body = nlattr_writer{}
                         .u32(ETHTOOL_A_CHANNELS_RX_COUNT, want.rx)
                         .u32(ETHTOOL_A_CHANNELS_TX_COUNT, want.tx)
                         .u32(ETHTOOL_A_CHANNELS_OTHER_COUNT, want.other)
                         .u32(ETHTOOL_A_CHANNELS_COMBINED_COUNT, want.combined)
                         .take();
  if (int rc = ethnl(dev, ETHTOOL_MSG_CHANNELS_SET, ETHTOOL_A_CHANNELS_HEADER, body, nullptr); rc < 0)
    return refuse(dev, "ethtool netlink CHANNELS_SET", rc, "the driver cannot change its queue counts", range_hint);
  return applied{};
}

result<rings> netlink_get_rings(const device& dev) {
  const std::string op = "ethtool netlink RINGS_GET";
  attrs r;
  if (int rc = ethnl(dev, ETHTOOL_MSG_RINGS_GET, ETHTOOL_A_RINGS_HEADER, {}, &r); rc < 0)
    return refuse(dev, op, rc, "the driver has no ring size control", "");
  return rings{u32_or_0(r, ETHTOOL_A_RINGS_RX_MAX), u32_or_0(r, ETHTOOL_A_RINGS_RX_MINI_MAX),
               u32_or_0(r, ETHTOOL_A_RINGS_RX_JUMBO_MAX), u32_or_0(r, ETHTOOL_A_RINGS_TX_MAX),
               u32_or_0(r, ETHTOOL_A_RINGS_RX), u32_or_0(r, ETHTOOL_A_RINGS_RX_MINI),
               u32_or_0(r, ETHTOOL_A_RINGS_RX_JUMBO), u32_or_0(r, ETHTOOL_A_RINGS_TX)};
}

result<applied> netlink_set_rings(const device& dev, const rings& want, const std::string& range_hint) {
  const attrs body = nlattr_writer{}
                         .u32(ETHTOOL_A_RINGS_RX, want.rx)
                         .u32(ETHTOOL_A_RINGS_RX_MINI, want.rx_mini)
                         .u32(ETHTOOL_A_RINGS_RX_JUMBO, want.rx_jumbo)
                         .u32(ETHTOOL_A_RINGS_TX, want.tx)
                         .take();
  if (int rc = ethnl(dev, ETHTOOL_MSG_RINGS_SET, ETHTOOL_A_RINGS_HEADER, body, nullptr); rc < 0)
    return refuse(dev, "ethtool netlink RINGS_SET", rc, "the driver cannot change its ring sizes", range_hint);
  return applied{};
}

}  // namespace xdpkit::ethtool::detail
