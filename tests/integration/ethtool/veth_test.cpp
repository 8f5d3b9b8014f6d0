// SPDX-License-Identifier: Apache-2.0
// ethtool/ against the real kernel on a veth pair inside a namespace the test
// makes and removes (root). Matrix:
//   probe     veth's capabilities: channels yes; rings, RSS, hash fields,
//             ntuple not supported (with the kernel's reason); XDP native,
//             no zero-copy; no IRQs; its four rx/tx queues in sysfs
//   tune      channels + RPS + XPS + busy-poll knobs, journaled in /run/xdpkit;
//             revert; probe before == probe after; no journal, no namespace left
//   failure   a later step the driver lacks rolls back the earlier ones
//   refusals  channels above the maximum; ntuple on a device with fixed-off filters;
//             IRQ affinity on a device without IRQs
//   netns     same-named veths in two namespaces: separate journals, each
//             revert restores only its own namespace's device
//   netlink   the ethtool-family fallback for channels and rings against the
//             real kernel: same answer as the ioctl, a set the ioctl reads back
// Every test also checks it leaked no file descriptor.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include <filesystem>

#include "ethtool_nl.hpp"
#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/ntuple.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/ethtool/rings.hpp"
#include "xdpkit/ethtool/probe.hpp"
#include "xdpkit/ethtool/stats.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/ethtool/xdp.hpp"
#include "xdpkit/lab/namespace_sysfs.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/netns_veth.hpp"

namespace xdpkit::ethtool {
namespace {

std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// A veth pair in a namespace of its own, entered for the object's life, with
// that namespace's sysfs mounted and a kernel transport for the b end: what
// most tests here start from. Members are made in order and go in reverse.
struct veth_device {
  lab::netns_veth veth = lab::netns_veth::create();
  lab::netns_scope inside{veth.ns()};
  lab::namespace_sysfs sys;
  std::unique_ptr<transport> io = make_kernel_transport();
  device dev{*io, veth.b()};
  tune_context ctx{dev, topology::host_root(sys.root())};
};

class VethTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) for netns, veth and sysfs mounts";
    fds_ = open_fds();
  }
  void TearDown() override {
    if (fds_) {
      EXPECT_EQ(open_fds(), fds_) << "file descriptors leaked";
    }
  }
  std::size_t fds_ = 0;
};

TEST_F(VethTest, ProbeReportsWhatVethCanAndCannotDo) {
  std::string ns;
  {
    auto veth = lab::netns_veth::create();
    ns = veth.ns();
    lab::netns_scope inside(veth.ns());
    lab::namespace_sysfs sys;
    auto io = make_kernel_transport();
    const device dev(*io, veth.b());
    probe_options opt;
    opt.root = topology::host_root(sys.root());
    const auto r = probe(dev, opt);

    EXPECT_EQ(r["driver"]["name"], "veth");
    ASSERT_TRUE(r["channels"]["supported"]);
    EXPECT_EQ(r["channels"]["max"]["rx"], 4);
    EXPECT_EQ(r["channels"]["current"]["rx"], 4);  // veth starts with every queue it was made with
    for (const char* section : {"rings", "rss", "hash_fields", "ntuple"}) {
      EXPECT_FALSE(r[section]["supported"]) << section;
      EXPECT_NE(r[section]["reason"].get<std::string>().find("Operation not supported"), std::string::npos) << section;
    }
    ASSERT_TRUE(r["features"]["supported"]);
    EXPECT_EQ(r["features"]["list"]["rx-ntuple-filter"], "off [fixed]");
    ASSERT_TRUE(r["xdp"]["supported"]) << r["xdp"].dump();
    EXPECT_TRUE(r["xdp"]["native"]);
    EXPECT_FALSE(r["xdp"]["zero_copy"]);
    ASSERT_TRUE(r["queues"]["supported"]) << r["queues"].dump();
    EXPECT_TRUE(r["queues"]["virtual"]);
    EXPECT_EQ(r["queues"]["numa_node"], -1);
    EXPECT_TRUE(r["queues"]["irqs"].empty());
    EXPECT_EQ(r["queues"]["rx"].size(), 4u);
    EXPECT_EQ(r["queues"]["napi_defer_hard_irqs"], 0);

    const auto text = format_probe(r);
    EXPECT_NE(text.find("rings         not supported (ETHTOOL_GRINGPARAM on " + veth.b()), std::string::npos) << text;
    EXPECT_NE(text.find("irqs          none"), std::string::npos) << text;

    const auto stats = get_stats(dev).value();
    ASSERT_FALSE(stats.empty());
    EXPECT_EQ(stats.front().first, "peer_ifindex");
    EXPECT_EQ(static_cast<int>(stats.front().second), io->ifindex(veth.a()));
  }
  EXPECT_FALSE(lab::netns_exists(ns)) << "namespace left behind";
}

TEST_F(VethTest, TuneRevertProbeIsIdentical) {
  std::string ns, ifname;
  std::filesystem::path journal_path;
  {
    auto veth = lab::netns_veth::create();
    ns = veth.ns();
    ifname = veth.b();
    lab::netns_scope inside(veth.ns());
    lab::namespace_sysfs sys;
    auto io = make_kernel_transport();
    const device dev(*io, veth.b());
    probe_options opt;
    opt.root = topology::host_root(sys.root());
    const auto before = probe(dev, opt);

    const tune_context ctx{dev, topology::host_root(sys.root())};
    tune_request req;
    req.channels = parse_channels_request("2");
    req.rps = topology::cpu_set::parse_list("0");
    req.xps = topology::cpu_set::parse_list("0");
    req.busy_poll = true;
    {
      auto log = journal::open(kDefaultJournalDir, veth.b());
      journal_path = log.path();
      const auto done = tune(ctx, req, log);
      EXPECT_GE(done.size(), 6u);  // channels, rps x2, xps x2, two knobs
      EXPECT_TRUE(journal::exists(kDefaultJournalDir, veth.b()));
    }
    const auto during = probe(dev, opt);
    EXPECT_EQ(during["channels"]["current"]["rx"], 2);
    EXPECT_EQ(during["queues"]["rx"].size(), 2u);
    EXPECT_EQ(during["queues"]["rx"][1]["rps_cpus"], "0");
    EXPECT_EQ(during["queues"]["tx"][1]["xps_cpus"], "0");
    EXPECT_EQ(during["queues"]["napi_defer_hard_irqs"], 2);
    EXPECT_EQ(during["queues"]["gro_flush_timeout_ns"], 200000);

    // A second tune on the same interface extends the journal.
    {
      tune_request more;
      more.channels = parse_channels_request("3");
      auto log = journal::open(kDefaultJournalDir, veth.b());
      const std::size_t had = log.size();
      tune(ctx, more, log);
      EXPECT_EQ(log.size(), had + 1);
    }
    {
      auto log = journal::open(kDefaultJournalDir, veth.b());
      revert(ctx, log);
    }
    const auto after = probe(dev, opt);
    EXPECT_EQ(after.dump(), before.dump());
    EXPECT_EQ(format_probe(after), format_probe(before));
    EXPECT_FALSE(journal::exists(kDefaultJournalDir, veth.b()));
  }
  EXPECT_FALSE(lab::netns_exists(ns));
  EXPECT_FALSE(std::filesystem::exists(journal_path));
}

// Tunes channels of `veth`'s b end from inside its namespace; returns the
// journal's path.
std::filesystem::path tune_channels_in(const lab::netns_veth& veth, const char* n) {
  lab::netns_scope inside(veth.ns());
  auto io = make_kernel_transport();
  const device dev(*io, veth.b());
  const tune_context ctx{dev, topology::host_root("/")};
  tune_request req;
  req.channels = parse_channels_request(n);
  auto log = journal::open(kDefaultJournalDir, veth.b());
  tune(ctx, req, log);
  EXPECT_EQ(log.size(), 1u);
  return log.path();
}

channels channels_in(const lab::netns_veth& veth) {
  lab::netns_scope inside(veth.ns());
  auto io = make_kernel_transport();
  return get_channels(device(*io, veth.b())).value();
}

void revert_in(const lab::netns_veth& veth) {
  lab::netns_scope inside(veth.ns());
  auto io = make_kernel_transport();
  const device dev(*io, veth.b());
  const tune_context ctx{dev, topology::host_root("/")};
  auto log = journal::open(kDefaultJournalDir, veth.b());
  ASSERT_EQ(log.size(), 1u) << "this namespace's journal holds this namespace's change only";
  revert(ctx, log);
}

// Issue 12: a torn last line was cut away and revert said nothing while a
// setting stayed tuned. Now the journal blocks tune and revert until a skip
// (revert --force) replays the good lines, which restores the device.
TEST_F(VethTest, ATornJournalBlocksUntilForcedAndTheForcedRevertRestores) {
  veth_device v;
  const auto before = get_channels(v.dev).value();
  tune_request req;
  req.channels = parse_channels_request("2");
  std::filesystem::path path;
  {
    auto log = journal::open(kDefaultJournalDir, v.veth.b());
    path = log.path();
    tune(v.ctx, req, log);
  }
  { std::ofstream(path, std::ios::app) << R"({"step":"rings","old":{"rx)"; }
  EXPECT_THROW(journal::open(kDefaultJournalDir, v.veth.b()), os_error) << "tune and revert must both be blocked";
  EXPECT_EQ(get_channels(v.dev).value().rx, 2u) << "nothing may change while blocked";
  {
    auto log = journal::open(kDefaultJournalDir, v.veth.b(), damage_policy::skip);
    ASSERT_EQ(log.damaged().size(), 1u);
    revert(v.ctx, log);
  }
  EXPECT_EQ(get_channels(v.dev).value(), before);
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, v.veth.b()));
}

TEST_F(VethTest, SameNamedInterfacesInTwoNamespacesKeepTheirOwnJournals) {
  std::filesystem::path p1, p2;
  std::string ns1, ns2;
  {
    auto one = lab::netns_veth::create();
    auto two = lab::netns_veth::create();
    ns1 = one.ns();
    ns2 = two.ns();
    ASSERT_EQ(one.b(), two.b()) << "the point: one interface name in two namespaces";
    ASSERT_NE(one.ns(), two.ns());
    const channels start = channels_in(one);
    ASSERT_EQ(channels_in(two), start);
    ASSERT_EQ(start.rx, 4u);

    p1 = tune_channels_in(one, "2");
    p2 = tune_channels_in(two, "3");
    EXPECT_NE(p1, p2);
    EXPECT_TRUE(std::filesystem::exists(p1));
    EXPECT_TRUE(std::filesystem::exists(p2));
    EXPECT_EQ(channels_in(one).rx, 2u);
    EXPECT_EQ(channels_in(two).rx, 3u);

    revert_in(one);
    EXPECT_EQ(channels_in(one), start);
    EXPECT_EQ(channels_in(two).rx, 3u) << "reverting one namespace touched the other";
    EXPECT_FALSE(std::filesystem::exists(p1));
    EXPECT_TRUE(std::filesystem::exists(p2));

    revert_in(two);
    EXPECT_EQ(channels_in(two), start);
    EXPECT_FALSE(std::filesystem::exists(p2));
    EXPECT_FALSE(std::filesystem::exists(journal::legacy_path_for(kDefaultJournalDir, one.b())));
  }
  EXPECT_FALSE(lab::netns_exists(ns1));
  EXPECT_FALSE(lab::netns_exists(ns2));
}

TEST_F(VethTest, NetlinkChannelsAgreeWithTheIoctlAndSetsAreReadBack) {
  auto veth = lab::netns_veth::create();
  lab::netns_scope inside(veth.ns());
  auto io = make_kernel_transport();
  const device dev(*io, veth.b());
  const channels by_ioctl = get_channels(dev).value();
  const auto by_netlink = detail::netlink_get_channels(dev);
  ASSERT_TRUE(by_netlink.ok()) << by_netlink.refused().message();
  EXPECT_EQ(*by_netlink, by_ioctl);

  channels want = by_ioctl;
  want.rx = 2;
  want.tx = 3;
  const auto set = detail::netlink_set_channels(dev, want, "range");
  ASSERT_TRUE(set.ok()) << set.refused().message();
  EXPECT_EQ(get_channels(dev).value(), want) << "the ioctl reads back what netlink set";

  want.rx = 9;  // above veth's maximum of 4
  const auto refused = detail::netlink_set_channels(dev, want, "the maxima");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.refused().err, EINVAL);
  EXPECT_EQ(refused.refused().hint, "the maxima");

  ASSERT_TRUE(detail::netlink_set_channels(dev, by_ioctl, "").ok());
  EXPECT_EQ(get_channels(dev).value(), by_ioctl);

  // veth has no ring parameters on either path.
  const auto rings_nl = detail::netlink_get_rings(dev);
  ASSERT_FALSE(rings_nl.ok());
  EXPECT_TRUE(rings_nl.refused().not_supported()) << rings_nl.refused().message();
  EXPECT_EQ(rings_nl.refused().op, "ethtool netlink RINGS_GET");
}

TEST_F(VethTest, StepVethLacksRollsBackChannels) {
  veth_device v;
  tune_request req;
  req.channels = parse_channels_request("2");
  req.rings = parse_rings_request("rx=256");
  const auto before = get_channels(v.dev).value();
  auto log = journal::open(kDefaultJournalDir, v.veth.b());
  try {
    tune(v.ctx, req, log);
    FAIL() << "veth has no rings";
  } catch (const tune_error& e) {
    EXPECT_EQ(e.step(), "rings");
    EXPECT_EQ(e.rolled_back(), 1u);
    EXPECT_NE(std::string(e.what()).find("ETHTOOL_GRINGPARAM on " + v.veth.b() + ": Operation not supported"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(get_channels(v.dev).value(), before);
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, v.veth.b()));
}

TEST_F(VethTest, IrqLessDeviceIsHandled) {
  veth_device v;
  tune_request req;
  req.irq_affinity = "local";
  auto log = journal::open(kDefaultJournalDir, v.veth.b());
  const auto done = tune(v.ctx, req, log);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].changed);
  EXPECT_EQ(done[0].what, "no per-queue IRQs on this device");
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, v.veth.b()));
}

TEST_F(VethTest, RefusalsComeBackAsAnswers) {
  auto veth = lab::netns_veth::create();
  lab::netns_scope inside(veth.ns());
  lab::namespace_sysfs sys;
  auto io = make_kernel_transport();
  const device dev(*io, veth.b());

  const auto now = get_channels(dev).value();
  // The driver's own refusal, past the planner's check (which refuses it first).
  EXPECT_THROW(apply_request(now, parse_channels_request("9")), std::invalid_argument);
  auto nine = now;
  nine.rx = nine.tx = 9;
  const auto r = set_channels(dev, nine);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.refused().err, EINVAL);
  EXPECT_NE(r.refused().message().find("at most rx 4, tx 4"), std::string::npos) << r.refused().message();

  const tune_context ctx{dev, topology::host_root(sys.root())};
  tune_request req;
  req.ntuple.push_back(parse_rule("flow-type udp4 dst-port 53 action 0"));
  auto log = journal::open(kDefaultJournalDir, veth.b());
  try {
    tune(ctx, req, log);
    FAIL() << "veth has no ntuple filters";
  } catch (const tune_error& e) {
    EXPECT_EQ(e.step(), "feature rx-ntuple-filter");
    EXPECT_NE(std::string(e.what()).find("fixed off for this device: the driver has no ntuple filters"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was changed"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, veth.b()));

  // No RSS key control and no ntuple table: answers, and a tune that plans
  // them changes nothing.
  const auto key = set_rss_key(dev, std::vector<std::uint8_t>(40, 0x6d));
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(key.refused().not_supported()) << key.refused().message();
  const auto del = delete_rule(dev, 0);
  ASSERT_FALSE(del.ok());
  EXPECT_TRUE(del.refused().not_supported()) << del.refused().message();
  tune_request delete_req;
  delete_req.ntuple_delete = {0};
  {
    auto log2 = journal::open(kDefaultJournalDir, veth.b());
    EXPECT_THROW(tune(ctx, delete_req, log2), tune_error);
  }
  tune_request key_req;
  key_req.rss_key = std::vector<std::uint8_t>(40, 0x6d);
  {
    auto log3 = journal::open(kDefaultJournalDir, veth.b());
    EXPECT_THROW(tune(ctx, key_req, log3), tune_error);
  }
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, veth.b()));

  EXPECT_THROW((void)probe(device(*io, "xkenosuch0")), os_error);
  const auto x = get_xdp_features(dev).value();
  EXPECT_TRUE(x.has(xdp_basic));
}

// Issue 12: `combined=1` on veth became rx=1,tx=1 without a word; a count past
// the driver's maximum was found only by the real tune, never by --dry-run; an
// IRQ list that is no list passed on a device without queue IRQs.
TEST_F(VethTest, WhatTheDriverCannotDoIsRefusedByThePlanAndTheDryRunAlike) {
  veth_device v;
  const auto before = get_channels(v.dev).value();
  ASSERT_EQ(before.max_combined, 0u) << "veth has rx and tx channels, no combined ones";
  auto refused_by_plan = [&](tune_request req, const std::string& needle) {
    try {
      (void)plan_tune(v.ctx, req);
      ADD_FAILURE() << "the dry run accepted what the driver cannot do (" << needle << ")";
    } catch (const tune_error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
    auto log = journal::open(kDefaultJournalDir, v.veth.b());
    EXPECT_THROW(tune(v.ctx, req, log), tune_error) << needle;
  };
  tune_request combined;
  combined.channels = parse_channels_request("combined=1");
  refused_by_plan(combined, "combined=1 asked, the driver allows at most 0 (it has no combined channels)");
  tune_request many;
  many.channels = parse_channels_request("rx=" + std::to_string(before.max_rx + 1));
  refused_by_plan(many, "the driver allows at most " + std::to_string(before.max_rx));
  tune_request irq;
  irq.irq_affinity = "7-2";
  refused_by_plan(irq, "descending range");
  EXPECT_EQ(get_channels(v.dev).value(), before) << "nothing may change";
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, v.veth.b()));
  tune_request bare;
  bare.channels = parse_channels_request("1");
  const auto plan = plan_tune(v.ctx, bare);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].what.find("combined"), std::string::npos) << "a bare count is rx and tx on veth: " << plan[0].what;
}

// Issue 12: --dry-run listed steps the real tune would not take: what comes
// after a channel change is planned there from the new queue count. The
// dry run says which of its steps are planned from today's queues.
TEST_F(VethTest, ADryRunMarksWhatItPlansFromTodaysQueues) {
  veth_device v;
  const auto now = get_channels(v.dev).value();
  tune_request req;
  req.channels = parse_channels_request(std::to_string(now.rx == 1 ? 2 : 1));
  req.rps = topology::cpu_set::parse_list("0", "test");
  const auto plan = plan_tune(v.ctx, req);
  ASSERT_GE(plan.size(), 2u);
  EXPECT_EQ(plan[0].step, "channels");
  EXPECT_EQ(plan[0].what.find("from today's queues"), std::string::npos) << plan[0].what;
  for (std::size_t i = 1; i < plan.size(); ++i)
    EXPECT_NE(plan[i].what.find("from today's queues: after channels"), std::string::npos) << plan[i].what;
  tune_request rps_only;
  rps_only.rps = req.rps;
  for (const auto& s : plan_tune(v.ctx, rps_only)) EXPECT_EQ(s.what.find("from today's queues"), std::string::npos) << s.what;
  EXPECT_FALSE(journal::exists(kDefaultJournalDir, v.veth.b()));
}

}  // namespace
}  // namespace xdpkit::ethtool
