// SPDX-License-Identifier: Apache-2.0
// Rings and channels over the ethtool generic-netlink family, the fallback for
// drivers that refuse the ioctl: the attribute bytes each request must carry
// (spelled out by hand, not made by the codec under test), the replies it
// decodes, and which refusal wins when both paths say no.
#include <gtest/gtest.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>

#include "nlattr.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/rings.hpp"

namespace xdpkit::ethtool {
namespace {

using testing::bytes;
using testing::scripted_transport;
using testing::zeroed;

bytes raw(std::initializer_list<unsigned> v) {
  bytes b;
  for (unsigned x : v) b.push_back(std::byte(x));
  return b;
}
bytes cat(bytes a, const bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
// One u32 attribute, little-endian as on every machine this runs on.
bytes u32_attr(unsigned type, std::uint32_t v) {
  return raw({8, 0, type & 0xff, type >> 8, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24});
}

// The header nest (type 1 | NLA_F_NESTED) holding ETHTOOL_A_HEADER_DEV_NAME
// "veth0\0": 4 + 4 + 6 = 14 bytes, padded to 16.
const bytes kHeaderVeth0 =
    raw({0x10, 0x00, 0x01, 0x80, 0x0a, 0x00, 0x02, 0x00, 'v', 'e', 't', 'h', '0', 0x00, 0x00, 0x00});

genl_request ethtool_msg(std::uint8_t cmd, bytes attrs) { return genl_request{"ethtool", cmd, 1, false, std::move(attrs)}; }

void expect_ioctl_unsupported(scripted_transport& io, std::uint32_t cmd) {
  if (cmd == ETHTOOL_GCHANNELS || cmd == ETHTOOL_SCHANNELS) {
    auto c = zeroed<ethtool_channels>();
    c.cmd = cmd;
    if (cmd == ETHTOOL_SCHANNELS) {  // what ChannelsSet asks for
      c.max_rx = c.max_tx = 8;
      c.rx_count = 2;
      c.tx_count = 3;
    }
    io.expect_fail("veth0", c, EOPNOTSUPP);
  } else {
    auto r = zeroed<ethtool_ringparam>();
    r.cmd = cmd;
    if (cmd == ETHTOOL_SRINGPARAM) {  // what RingsGetAndSet asks for
      r.rx_max_pending = r.tx_max_pending = 4096;
      r.rx_pending = 1024;
      r.tx_pending = 512;
    }
    io.expect_fail("veth0", r, EOPNOTSUPP);
  }
}

TEST(Netlink, HeaderAttributeBytesAreWhatTheKernelParses) {
  // The codec itself, against the hand-written bytes the tests below rely on.
  const auto got = detail::nlattr_writer{}
                       .nested(ETHTOOL_A_CHANNELS_HEADER, detail::nlattr_writer{}.str(ETHTOOL_A_HEADER_DEV_NAME, "veth0").take())
                       .take();
  EXPECT_EQ(got, kHeaderVeth0) << testing::hex(got);
  EXPECT_EQ(detail::nlattr_writer{}.u32(7, 0x01020304).take(), u32_attr(7, 0x01020304));
}

TEST(Netlink, ChannelsGetFallsBackToNetlinkAndDecodesOnlyWhatIsThere) {
  scripted_transport io;
  expect_ioctl_unsupported(io, ETHTOOL_GCHANNELS);
  // The kernel sends a max/count pair only for kinds the driver has: here
  // rx and tx, no other, no combined.
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_CHANNELS_GET, kHeaderVeth0),
                 {cat(cat(cat(cat(kHeaderVeth0, u32_attr(ETHTOOL_A_CHANNELS_RX_MAX, 8)), u32_attr(ETHTOOL_A_CHANNELS_TX_MAX, 6)),
                          u32_attr(ETHTOOL_A_CHANNELS_RX_COUNT, 2)),
                      u32_attr(ETHTOOL_A_CHANNELS_TX_COUNT, 3))});
  const auto c = get_channels(device(io, "veth0"));
  ASSERT_TRUE(c.ok()) << c.refused().message();
  EXPECT_EQ(*c, (channels{8, 6, 0, 0, 2, 3, 0, 0}));
}

TEST(Netlink, ChannelsSetSendsEveryCountAfterTheHeader) {
  scripted_transport io;
  const channels want{8, 8, 0, 0, 2, 3, 0, 0};
  expect_ioctl_unsupported(io, ETHTOOL_SCHANNELS);
  const bytes body = cat(cat(cat(u32_attr(ETHTOOL_A_CHANNELS_RX_COUNT, 2), u32_attr(ETHTOOL_A_CHANNELS_TX_COUNT, 3)),
                             u32_attr(ETHTOOL_A_CHANNELS_OTHER_COUNT, 0)),
                         u32_attr(ETHTOOL_A_CHANNELS_COMBINED_COUNT, 0));
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_CHANNELS_SET, cat(kHeaderVeth0, body)), {});
  EXPECT_TRUE(set_channels(device(io, "veth0"), want).ok());

  // Out of range over netlink: an answer with the maxima, named by the netlink op.
  expect_ioctl_unsupported(io, ETHTOOL_SCHANNELS);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_CHANNELS_SET, cat(kHeaderVeth0, body)), {}, -EINVAL);
  const auto r = set_channels(device(io, "veth0"), want);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refused().err, EINVAL);
  EXPECT_EQ(r.refused().op, "ethtool netlink CHANNELS_SET");
  EXPECT_NE(r.refused().message().find("the driver allows at most rx 8, tx 8"), std::string::npos) << r.refused().message();

  // Privileges are not an answer about the driver.
  expect_ioctl_unsupported(io, ETHTOOL_SCHANNELS);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_CHANNELS_SET, cat(kHeaderVeth0, body)), {}, -EPERM);
  try {
    (void)set_channels(device(io, "veth0"), want);
    FAIL() << "EPERM must throw";
  } catch (const os_error& e) {
    EXPECT_EQ(std::string(e.what()),
                 "ethtool netlink CHANNELS_SET on veth0: Operation not permitted — " + privilege_hint("CAP_NET_ADMIN"));
  }
}

TEST(Netlink, WhenBothPathsRefuseTheIoctlRefusalIsReported) {
  scripted_transport io;
  const device dev(io, "veth0");
  // The driver lacks the operation on both paths.
  expect_ioctl_unsupported(io, ETHTOOL_GRINGPARAM);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_RINGS_GET, kHeaderVeth0), {}, -EOPNOTSUPP);
  auto r = get_rings(dev);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refused().message(),
            "ETHTOOL_GRINGPARAM on veth0: Operation not supported — the driver has no ring size control");
  // A kernel without the ethtool family (the transport's ENOENT).
  expect_ioctl_unsupported(io, ETHTOOL_GCHANNELS);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_CHANNELS_GET, kHeaderVeth0), {}, -ENOENT);
  const auto c = get_channels(dev);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.refused().op, "ETHTOOL_GCHANNELS");
  EXPECT_TRUE(c.refused().not_supported());
  // A reply without the header nest is not the kernel's.
  expect_ioctl_unsupported(io, ETHTOOL_GCHANNELS);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_CHANNELS_GET, kHeaderVeth0), {u32_attr(ETHTOOL_A_CHANNELS_RX_MAX, 8)});
  EXPECT_THROW((void)get_channels(dev), os_error);
}

TEST(Netlink, RingsGetAndSetOverNetlink) {
  scripted_transport io;
  const device dev(io, "veth0");
  expect_ioctl_unsupported(io, ETHTOOL_GRINGPARAM);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_RINGS_GET, kHeaderVeth0),
                 {cat(cat(cat(cat(kHeaderVeth0, u32_attr(ETHTOOL_A_RINGS_RX_MAX, 4096)), u32_attr(ETHTOOL_A_RINGS_TX_MAX, 4096)),
                          u32_attr(ETHTOOL_A_RINGS_RX, 256)),
                      u32_attr(ETHTOOL_A_RINGS_TX, 128))});
  const auto now = get_rings(dev);
  ASSERT_TRUE(now.ok()) << now.refused().message();
  EXPECT_EQ(*now, (rings{4096, 0, 0, 4096, 256, 0, 0, 128}));

  const auto want = apply_request(*now, parse_rings_request("rx=1024,tx=512"));
  expect_ioctl_unsupported(io, ETHTOOL_SRINGPARAM);
  io.expect_genl(ethtool_msg(ETHTOOL_MSG_RINGS_SET,
                             cat(cat(cat(cat(kHeaderVeth0, u32_attr(ETHTOOL_A_RINGS_RX, 1024)), u32_attr(ETHTOOL_A_RINGS_RX_MINI, 0)),
                                     u32_attr(ETHTOOL_A_RINGS_RX_JUMBO, 0)),
                                 u32_attr(ETHTOOL_A_RINGS_TX, 512))),
                 {});
  EXPECT_TRUE(set_rings(dev, want).ok());
}

TEST(Netlink, IoctlAnswerNeverAsksNetlink) {
  // The ioctl stays first: a driver that answers it sees no netlink request
  // (the scripted transport fails on any unscripted one).
  scripted_transport io;
  auto req = zeroed<ethtool_channels>();
  req.cmd = ETHTOOL_GCHANNELS;
  auto rep = req;
  rep.max_rx = rep.max_tx = rep.rx_count = rep.tx_count = 1;
  io.expect("veth0", req, rep);
  EXPECT_EQ(get_channels(device(io, "veth0")).value(), (channels{1, 1, 0, 0, 1, 1, 0, 0}));
  // EINVAL from the ioctl is the driver's answer about the value, not about
  // the path: no netlink retry either.
  auto set = zeroed<ethtool_channels>();
  set.cmd = ETHTOOL_SCHANNELS;
  set.max_rx = set.max_tx = 1;
  set.rx_count = set.tx_count = 5;
  io.expect_fail("veth0", set, EINVAL);
  const auto r = set_channels(device(io, "veth0"), channels{1, 1, 0, 0, 5, 5, 0, 0});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refused().op, "ETHTOOL_SCHANNELS");
}

}  // namespace
}  // namespace xdpkit::ethtool
