// SPDX-License-Identifier: Apache-2.0
// Driver info, channels and rings against a scripted kernel: the request bytes
// each call must put on the wire, the answers it decodes, and the messages a
// refusal carries.
#include <gtest/gtest.h>
#include <linux/ethtool.h>
#include <linux/ethtool_netlink.h>

#include <cstring>

#include "nlattr.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/info.hpp"
#include "xdpkit/ethtool/rings.hpp"

namespace xdpkit::ethtool {
namespace {

using testing::scripted_transport;
using testing::zeroed;

TEST(DriverInfo, DecodesFixedStringsWithoutTerminator) {
  scripted_transport io;
  auto req = zeroed<ethtool_drvinfo>();
  req.cmd = ETHTOOL_GDRVINFO;
  auto rep = req;
  std::strcpy(rep.driver, "igb");
  std::strcpy(rep.version, "6.1.0");
  std::memset(rep.bus_info, 'x', sizeof rep.bus_info);  // filled to the brim: no NUL
  rep.n_stats = 42;
  io.expect("eth0", req, rep);
  const auto info = get_driver_info(device(io, "eth0")).value();
  EXPECT_EQ(info.driver, "igb");
  EXPECT_EQ(info.version, "6.1.0");
  EXPECT_EQ(info.bus, std::string(sizeof rep.bus_info, 'x'));
  EXPECT_EQ(info.n_stats, 42u);
}

TEST(DriverInfo, PermissionErrorThrowsWithAdvice) {
  scripted_transport io;
  auto req = zeroed<ethtool_drvinfo>();
  req.cmd = ETHTOOL_GDRVINFO;
  io.expect_fail("eth0", req, EPERM);
  try {
    (void)get_driver_info(device(io, "eth0"));
    FAIL() << "EPERM must throw";
  } catch (const os_error& e) {
    EXPECT_EQ(std::string(e.what()),
                 "ETHTOOL_GDRVINFO on eth0: Operation not permitted — " + privilege_hint("CAP_NET_ADMIN"));
    EXPECT_EQ(e.code().value(), EPERM);
  }
}

TEST(Channels, GetDecodesAllCounts) {
  scripted_transport io;
  auto req = zeroed<ethtool_channels>();
  req.cmd = ETHTOOL_GCHANNELS;
  auto rep = req;
  rep.max_combined = 8;
  rep.combined_count = 4;
  rep.max_other = 1;
  rep.other_count = 1;
  io.expect("eth1", req, rep);
  const auto c = get_channels(device(io, "eth1")).value();
  EXPECT_EQ(c, (channels{0, 0, 1, 8, 0, 0, 1, 4}));
  EXPECT_EQ(format_counts(c), "other 1, combined 4");
}

TEST(Channels, SetSendsEveryFieldAndRefusalNamesTheMaxima) {
  scripted_transport io;
  const channels want{4, 4, 0, 0, 5, 5, 0, 0};
  auto req = zeroed<ethtool_channels>();
  req.cmd = ETHTOOL_SCHANNELS;
  req.max_rx = req.max_tx = 4;
  req.rx_count = req.tx_count = 5;
  io.expect_fail("veth0", req, EINVAL);
  const auto r = set_channels(device(io, "veth0"), want);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refused().err, EINVAL);
  EXPECT_EQ(r.refused().message(),
            "ETHTOOL_SCHANNELS on veth0: Invalid argument — asked for rx 5, tx 5; the driver "
            "allows at most rx 4, tx 4, other 0, combined 0 and needs at least one rx and one tx "
            "queue; the kernel also refuses fewer queues than a configured RSS table names (see "
            "`xdpkit probe veth0`; `xdpkit tune veth0 --rss default` first)");
}

TEST(Channels, RequestParsing) {
  const channels veth{4, 4, 0, 0, 1, 1, 0, 0};
  const channels nic{0, 0, 1, 16, 0, 0, 1, 8};
  EXPECT_EQ(apply_request(veth, parse_channels_request("2")), (channels{4, 4, 0, 0, 2, 2, 0, 0}));
  EXPECT_EQ(apply_request(nic, parse_channels_request("4")), (channels{0, 0, 1, 16, 0, 0, 1, 4}));
  EXPECT_EQ(apply_request(veth, parse_channels_request("rx=3,tx=2")), (channels{4, 4, 0, 0, 3, 2, 0, 0}));
  EXPECT_THROW(parse_channels_request("rx=x"), std::invalid_argument);
  EXPECT_THROW(parse_channels_request("queues=2"), std::invalid_argument);
  EXPECT_THROW(parse_channels_request(""), std::invalid_argument);
  EXPECT_THROW(parse_channels_request("rx=1,"), std::invalid_argument);
}

// Issue 12: "combined=1" on a device without combined channels was taken as
// the bare "1" (rx=1,tx=1); a count past a maximum reached the driver.
TEST(Channels, AnExplicitKindIsNeverSwappedAndMaximaAreNamed) {
  const channels veth{4, 4, 0, 0, 1, 1, 0, 0};
  const channels nic{0, 0, 1, 16, 0, 0, 1, 8};
  auto refused = [](const channels& now, const char* text, const std::string& needle) {
    try {
      (void)apply_request(now, parse_channels_request(text));
      ADD_FAILURE() << text << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  refused(veth, "combined=1", "combined=1 asked, the driver allows at most 0 (it has no combined channels)");
  refused(veth, "5", "rx=5 asked, the driver allows at most 4");
  refused(veth, "rx=2,tx=5", "tx=5 asked, the driver allows at most 4");
  refused(nic, "17", "combined=17 asked, the driver allows at most 16");
  refused(nic, "rx=1", "rx=1 asked, the driver allows at most 0");
  EXPECT_EQ(apply_request(nic, parse_channels_request("combined=16")), (channels{0, 0, 1, 16, 0, 0, 1, 16}));
}

TEST(Rings, PastTheMaximumIsRefusedWithTheMaximum) {
  rings now;
  now.max_rx = 4096;
  now.max_tx = 1024;
  try {
    (void)apply_request(now, parse_rings_request("tx=2048"));
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "rings: tx=2048 asked, the driver allows at most 1024");
  }
  EXPECT_THROW((void)apply_request(now, parse_rings_request("rx-jumbo=1")), std::invalid_argument);
  EXPECT_EQ(apply_request(now, parse_rings_request("rx=4096")).rx, 4096u);
}

TEST(Rings, UnsupportedIsAnAnswer) {
  scripted_transport io;
  auto req = zeroed<ethtool_ringparam>();
  req.cmd = ETHTOOL_GRINGPARAM;
  io.expect_fail("veth0", req, EOPNOTSUPP);
  // The netlink fallback is asked too, and says no as well.
  io.expect_genl(genl_request{"ethtool", ETHTOOL_MSG_RINGS_GET, 1, false,
                              detail::nlattr_writer{}
                                  .nested(ETHTOOL_A_RINGS_HEADER,
                                          detail::nlattr_writer{}.str(ETHTOOL_A_HEADER_DEV_NAME, "veth0").take())
                                  .take()},
                 {}, -EOPNOTSUPP);
  const auto r = get_rings(device(io, "veth0"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.refused().not_supported());
  EXPECT_EQ(r.refused().message(),
            "ETHTOOL_GRINGPARAM on veth0: Operation not supported — the driver has no ring size control");
  EXPECT_THROW((void)r.value(), os_error);
}

TEST(Rings, GetAndSetBytes) {
  scripted_transport io;
  auto get = zeroed<ethtool_ringparam>();
  get.cmd = ETHTOOL_GRINGPARAM;
  auto rep = get;
  rep.rx_max_pending = 4096;
  rep.tx_max_pending = 4096;
  rep.rx_pending = 256;
  rep.tx_pending = 256;
  io.expect("eth0", get, rep);
  const device dev(io, "eth0");
  const auto now = get_rings(dev).value();
  const auto want = apply_request(now, parse_rings_request("rx=1024,tx=512"));
  auto set = rep;
  set.cmd = ETHTOOL_SRINGPARAM;
  set.rx_pending = 1024;
  set.tx_pending = 512;
  io.expect("eth0", set, set);
  EXPECT_TRUE(set_rings(dev, want).ok());

  auto big = set;
  big.rx_pending = 8192;
  io.expect_fail("eth0", big, EINVAL);
  EXPECT_THROW(apply_request(now, parse_rings_request("rx=8192,tx=512")), std::invalid_argument)
      << "the planner refuses past the maximum before the driver is asked";
  auto over = want;
  over.rx = 8192;
  const auto r = set_rings(dev, over);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.refused().message().find("at most rx 4096, tx 4096"), std::string::npos)
      << r.refused().message();
  EXPECT_THROW(parse_rings_request("rx=1,bogus=2"), std::invalid_argument);
  EXPECT_THROW(parse_rings_request("rx"), std::invalid_argument);
}

}  // namespace
}  // namespace xdpkit::ethtool
