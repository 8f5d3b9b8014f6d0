// SPDX-License-Identifier: Apache-2.0
// tune / revert / the journal against a scripted kernel and a writable copy
// of a captured host (tests/fixtures/two-socket-ht: an ice NIC on node 1).
// Matrix: channels + IRQ affinity then revert restores every file and value;
// a failing step rolls back the earlier ones and names itself; a second tune
// extends the journal and revert undoes both; --dry-run touches nothing;
// ntuple inserts are deleted by location; torn, corrupt and locked journals.
#include <gtest/gtest.h>
#include <linux/ethtool.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "kernel_script.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/topology/interrupts.hpp"

namespace xdpkit::ethtool {
namespace {

namespace fs = std::filesystem;
using testing::expect_gchannels;
using testing::expect_get_rss;
using testing::expect_gfeatures;
using testing::expect_schannels;
using testing::expect_strings;
using testing::scripted_transport;
using testing::to_bytes;
using testing::with_tail;
using testing::zeroed;

class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "xdpkit-ethtool-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A scripted kernel behind eth0, and a private directory for journals and
// sysfs trees.
class Tune : public ::testing::Test {
 protected:
  journal open_journal() const { return journal::open(tmp.path() / "run", "eth0"); }
  bool journaled() const { return journal::exists(tmp.path() / "run", "eth0"); }

  temp_dir tmp;
  scripted_transport io;
  const device dev{io, "eth0"};
  const tune_context ctx{dev, topology::host_root(tmp.path())};
};

ethtool_channels combined(std::uint32_t max, std::uint32_t now) {
  auto c = zeroed<ethtool_channels>();
  c.max_combined = max;
  c.combined_count = now;
  return c;
}

TEST_F(Tune, ChannelsAndIrqAffinityThenRevertRestoresEverything) {
  fs::copy(fs::path(XDPKIT_FIXTURES_DIR) / "two-socket-ht/root", tmp.path() / "root",
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  const topology::host_root root(tmp.path() / "root");
  std::map<unsigned, std::string> before;
  for (unsigned irq = 120; irq <= 136; ++irq) before[irq] = topology::read_irq_affinity(root, irq).affinity.to_list();

  const device eth2(io, "eth2");
  const tune_context eth2_ctx{eth2, root};
  tune_request req;
  req.channels = parse_channels_request("8");
  req.irq_affinity = "local";

  expect_gchannels(io, combined(16, 16), "eth2");  // plan
  expect_gchannels(io, combined(16, 16), "eth2");  // write
  expect_schannels(io, combined(16, 8), 0, "eth2");
  auto log = journal::open(tmp.path() / "run", "eth2");
  const auto done = tune(eth2_ctx, req, log);
  ASSERT_TRUE(io.finished());

  // Queue q's vector goes to the q-th local CPU of node 1 (4-7,12-15), round robin.
  const unsigned local[] = {4, 5, 6, 7, 12, 13, 14, 15};
  std::size_t changed = 0;
  for (const auto& s : done) changed += s.changed;
  for (unsigned q = 0; q < 16; ++q)
    EXPECT_EQ(topology::read_irq_affinity(root, 121 + q).affinity.to_list(), std::to_string(local[q % 8])) << q;
  EXPECT_EQ(topology::read_irq_affinity(root, 120).affinity.to_list(), before[120]) << "misc vector moved";
  EXPECT_EQ(log.size(), changed);
  EXPECT_EQ(log.entries().front()["step"], "channels");
  EXPECT_EQ(log.entries().front()["old"]["combined"], 16);

  // The journal on disk says the same, one JSON line per change.
  {
    std::ifstream in(log.path());
    std::size_t lines = 0;
    for (std::string l; std::getline(in, l);) ++lines;
    EXPECT_EQ(lines, changed);
  }

  expect_gchannels(io, combined(16, 8), "eth2");
  expect_schannels(io, combined(16, 16), 0, "eth2");
  const auto undone = revert(eth2_ctx, log);
  EXPECT_EQ(undone.size(), changed);
  EXPECT_EQ(undone.back().step, "channels");
  for (const auto& [irq, list] : before) EXPECT_EQ(topology::read_irq_affinity(root, irq).affinity.to_list(), list) << irq;
  EXPECT_FALSE(journal::exists(tmp.path() / "run", "eth2"));
}

TEST_F(Tune, RevertOfRaisedChannelsResetsATableTheDriverSpreadOverThem) {
  // igb (found by the rig): with a configured RSS table, raising the channels
  // makes the driver spread the table over the new queues; the kernel then
  // refuses to lower the count below a queue the table names.
  tune_request req;
  req.channels = parse_channels_request("5");
  expect_gchannels(io, combined(8, 4));  // plan
  expect_gchannels(io, combined(8, 4));  // write
  expect_schannels(io, combined(8, 5));
  auto log = open_journal();
  tune(ctx, req, log);
  ASSERT_TRUE(io.finished());

  expect_gchannels(io, combined(8, 5));
  expect_schannels(io, combined(8, 4), -EINVAL);
  expect_get_rss(io, 5, {0, 1, 2, 3, 4, 0, 1, 2});  // names queue 4
  auto reset = zeroed<ethtool_rxfh>();
  reset.cmd = ETHTOOL_SRSSH;  // indir_size 0: the default spread
  io.expect_ioctl("eth0", to_bytes(reset), {});
  expect_gchannels(io, combined(8, 5));
  expect_schannels(io, combined(8, 4));
  const auto undone = revert(ctx, log);
  EXPECT_TRUE(io.finished());
  ASSERT_EQ(undone.size(), 1u);
  EXPECT_NE(undone[0].what.find("reset to the default spread first"), std::string::npos) << undone[0].what;
  EXPECT_FALSE(journaled());

  // A table that fits is not the reason: the refusal stands.
  expect_gchannels(io, combined(8, 4));
  expect_gchannels(io, combined(8, 4));
  expect_schannels(io, combined(8, 5));
  auto again = open_journal();
  tune(ctx, req, again);
  expect_gchannels(io, combined(8, 5));
  expect_schannels(io, combined(8, 4), -EINVAL);
  expect_get_rss(io, 5, {0, 1, 2, 3, 0, 1, 2, 3});
  EXPECT_THROW(revert(ctx, again), tune_error);
  EXPECT_TRUE(io.finished());
  EXPECT_TRUE(journaled()) << "a failed revert keeps its journal";
}

TEST_F(Tune, FailedStepRollsBackEarlierStepsAndNamesItself) {
  tune_request req;
  req.channels = parse_channels_request("2");
  req.rss = parse_rss_request("weight 1 3");

  expect_get_rss(io, 4, {0, 1, 2, 3});  // the table before the channels step
  expect_gchannels(io, combined(8, 4));
  expect_gchannels(io, combined(8, 4));
  expect_schannels(io, combined(8, 2));
  expect_get_rss(io, 2, {0, 1, 0, 1});  // plan: today's table is the default spread
  auto set = zeroed<ethtool_rxfh>();
  set.cmd = ETHTOOL_SRSSH;
  set.indir_size = 4;
  io.expect_ioctl("eth0", with_tail(set, std::vector<std::uint32_t>{0, 1, 1, 1}), {}, -EIO);
  expect_get_rss(io, 2, {0, 1, 0, 1});  // unchanged by the failed write: no undo for it
  expect_gchannels(io, combined(8, 2));  // rollback of channels
  expect_schannels(io, combined(8, 4));

  auto log = open_journal();
  try {
    tune(ctx, req, log);
    FAIL() << "the rss step must fail";
  } catch (const tune_error& e) {
    EXPECT_EQ(e.step(), "rss");
    EXPECT_EQ(e.rolled_back(), 1u);
    EXPECT_TRUE(e.rollback_failures().empty());
    EXPECT_STREQ(e.what(), "step 'rss' failed: ETHTOOL_SRSSH on eth0: Input/output error; rolled back 1 change(s)");
  }
  EXPECT_EQ(log.size(), 0u);
  EXPECT_FALSE(journaled()) << "a rolled-back first tune leaves no journal";
}

TEST_F(Tune, FailedRollbackSaysHowFarItGotAndKeepsTheJournalForRevert) {
  tune_request req;
  req.channels = parse_channels_request("2");
  req.rss = parse_rss_request("weight 1 3");

  expect_get_rss(io, 4, {0, 1, 2, 3});
  expect_gchannels(io, combined(8, 4));
  expect_gchannels(io, combined(8, 4));
  expect_schannels(io, combined(8, 2));
  expect_get_rss(io, 2, {0, 1, 0, 1});
  auto set = zeroed<ethtool_rxfh>();
  set.cmd = ETHTOOL_SRSSH;
  set.indir_size = 4;
  io.expect_ioctl("eth0", with_tail(set, std::vector<std::uint32_t>{0, 1, 1, 1}), {}, -EIO);
  expect_get_rss(io, 2, {0, 1, 0, 1});
  expect_gchannels(io, combined(8, 2));
  expect_schannels(io, combined(8, 4), -EIO);  // the undo of the channels fails too

  {  // the journal is closed (its lock released) before revert opens it
    auto log = open_journal();
    try {
      tune(ctx, req, log);
      FAIL() << "the rss step must fail";
    } catch (const tune_error& e) {
      EXPECT_EQ(e.changes(), 1u);
      EXPECT_EQ(e.rolled_back(), 0u);
      ASSERT_EQ(e.rollback_failures().size(), 1u);
      const std::string what = e.what();
      EXPECT_NE(what.find("rolled back 0 of 1 change(s); rollback incomplete: step 'revert channels' failed: "),
                std::string::npos)
          << what;
      EXPECT_NE(what.find("run `xdpkit revert` again"), std::string::npos) << what;
    }
  }
  EXPECT_TRUE(io.finished());
  EXPECT_TRUE(journaled()) << "what the rollback could not undo stays journaled";

  // ...and revert, once the driver takes the value again, finishes the job
  expect_gchannels(io, combined(8, 2));
  expect_schannels(io, combined(8, 4));
  auto again = open_journal();
  EXPECT_EQ(again.size(), 1u);
  revert(ctx, again);
  EXPECT_TRUE(io.finished());
  EXPECT_FALSE(journaled());
}

// Found by the rig (virtio-net, which keeps its table when channels drop):
// fewer channels and a new table in one tune. The table before the tune was
// the default spread over 4 queues; planned after the channels step, it looks
// like a user table over 2. It must still be journaled as the default, and
// revert must reset it (ETHTOOL_SRSSH with no table) after the channels are
// back: written explicitly, the kernel would mark it user-configured and from
// then on refuse fewer channels than it names.
TEST_F(Tune, DefaultTableBeforeFewerChannelsIsRevertedAsTheDefaultAfterThem) {
  tune_request req;
  req.channels = parse_channels_request("2");
  req.rss = parse_rss_request("equal 1");

  expect_get_rss(io, 4, {0, 1, 2, 3});
  expect_gchannels(io, combined(8, 4));
  expect_gchannels(io, combined(8, 4));
  expect_schannels(io, combined(8, 2));
  expect_get_rss(io, 2, {0, 1, 2, 3});  // the driver kept the table over the 4 queues of before
  auto set = zeroed<ethtool_rxfh>();
  set.cmd = ETHTOOL_SRSSH;
  set.indir_size = 4;
  io.expect_ioctl("eth0", with_tail(set, std::vector<std::uint32_t>{0, 0, 0, 0}), {});
  expect_get_rss(io, 2, {0, 0, 0, 0});  // read-back
  {
    auto log = open_journal();
    tune(ctx, req, log);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log.entries()[1].at("old"), nlohmann::json({{"table", nlohmann::json::array()}}))
        << "journaled as the default spread";
  }
  EXPECT_TRUE(io.finished());

  // revert: the channels first, then the reset (no table: the kernel spreads over 4 and clears its mark)
  expect_gchannels(io, combined(8, 2));
  expect_schannels(io, combined(8, 4));
  auto reset = zeroed<ethtool_rxfh>();
  reset.cmd = ETHTOOL_SRSSH;
  reset.indir_size = 0;
  io.expect(std::string("eth0"), reset, reset);
  expect_get_rss(io, 4, {0, 1, 2, 3});  // read-back: the default spread
  auto log = open_journal();
  const auto done = revert(ctx, log);
  EXPECT_TRUE(io.finished());
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].step, "channels");
  EXPECT_EQ(done[1].step, "rss");
  EXPECT_FALSE(journaled());
}

// A count within the driver's maximum that the driver still refuses (an RSS
// table naming more queues, a driver rule): its EINVAL, the range, no change.
TEST_F(Tune, RefusedValueChangesNothingAndSaysWhy) {
  tune_request req;
  req.channels = parse_channels_request("9");
  expect_gchannels(io, combined(16, 4));
  expect_gchannels(io, combined(16, 4));
  expect_schannels(io, combined(16, 9), -EINVAL);
  expect_gchannels(io, combined(16, 4));  // re-read: unchanged
  auto log = open_journal();
  try {
    tune(ctx, req, log);
    FAIL();
  } catch (const tune_error& e) {
    EXPECT_EQ(e.step(), "channels");
    EXPECT_EQ(e.rolled_back(), 0u);
    const std::string what = e.what();
    EXPECT_NE(what.find("at most rx 0, tx 0, other 0, combined 16"), std::string::npos) << what;
    EXPECT_NE(what.find("nothing was changed"), std::string::npos) << what;
  }
}

// Past the maximum the driver reports, the planner refuses before any set.
TEST_F(Tune, PastTheDriversMaximumIsRefusedBeforeTheDriverIsAsked) {
  tune_request req;
  req.channels = parse_channels_request("9");
  expect_gchannels(io, combined(8, 4));
  auto log = open_journal();
  try {
    tune(ctx, req, log);
    FAIL();
  } catch (const tune_error& e) {
    EXPECT_EQ(e.step(), "channels");
    EXPECT_NE(std::string(e.what()).find("combined=9 asked, the driver allows at most 8"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(io.finished());
  EXPECT_FALSE(journaled());
}

TEST_F(Tune, SecondTuneExtendsTheJournalAndRevertUndoesBoth) {
  tune_request first, second;
  first.channels = parse_channels_request("2");
  second.channels = parse_channels_request("3");
  {
    expect_gchannels(io, combined(8, 4));
    expect_gchannels(io, combined(8, 4));
    expect_schannels(io, combined(8, 2));
    auto log = open_journal();
    tune(ctx, first, log);
  }
  {
    expect_gchannels(io, combined(8, 2));
    expect_gchannels(io, combined(8, 2));
    expect_schannels(io, combined(8, 3));
    auto log = open_journal();  // reopened, as a second `xdpkit tune` would
    ASSERT_EQ(log.size(), 1u);
    tune(ctx, second, log);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log.entries()[1]["old"]["combined"], 2);
  }
  expect_gchannels(io, combined(8, 3));
  expect_schannels(io, combined(8, 2));
  expect_gchannels(io, combined(8, 2));
  expect_schannels(io, combined(8, 4));
  auto log = open_journal();
  EXPECT_EQ(revert(ctx, log).size(), 2u);
  EXPECT_FALSE(journaled());
}

TEST_F(Tune, DryRunOnlyReads) {
  tune_request req;
  req.channels = parse_channels_request("combined=2");
  expect_gchannels(io, combined(8, 4));
  const auto plan = plan_tune(ctx, req);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].what, "combined 4 -> 2");
  EXPECT_TRUE(plan[0].changed);
  EXPECT_FALSE(fs::exists(tmp.path() / "run"));
}

TEST_F(Tune, NtupleRuleIsJournaledWithItsLocationAndDeletedOnRevert) {
  tune_request req;
  req.ntuple.push_back(parse_rule("flow-type udp4 dst-port 53 action 2"));

  // rx-ntuple-filter (index 32) is already on: the feature step is a no-op.
  std::vector<std::string> names;
  for (int i = 0; i < 32; ++i) names.push_back("f" + std::to_string(i));
  names.push_back("rx-ntuple-filter");
  expect_strings(io, ETH_SS_FEATURES, names);
  expect_gfeatures(io, {}, {1, 1, 1, 0});
  auto cnt = zeroed<ethtool_rxnfc>();
  cnt.cmd = ETHTOOL_GRXCLSRLCNT;
  auto cnt_rep = cnt;
  cnt_rep.data = 1024 | RX_CLS_LOC_SPECIAL;
  io.expect("eth0", cnt, cnt_rep);
  auto ins = zeroed<ethtool_rxnfc>();
  ins.cmd = ETHTOOL_SRXCLSRLINS;
  ins.fs = req.ntuple[0].fs;
  auto ins_rep = ins;
  ins_rep.fs.location = 1021;
  io.expect("eth0", ins, ins_rep);

  auto log = open_journal();
  const auto done = tune(ctx, req, log);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_FALSE(done[0].changed);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log.entries()[0]["step"], "ntuple");
  EXPECT_EQ(log.entries()[1]["step"], "ntuple-loc");
  EXPECT_EQ(log.entries()[1]["loc"], 1021);

  auto del = zeroed<ethtool_rxnfc>();
  del.cmd = ETHTOOL_SRXCLSRLDEL;
  del.fs.location = 1021;
  io.expect("eth0", del, del);
  const auto undone = revert(ctx, log);
  ASSERT_EQ(undone.size(), 1u);
  EXPECT_EQ(undone[0].what, "deleted rule at location 1021");
}

TEST_F(Tune, RevertAfterACrashBetweenInsertAndItsLocationFindsTheRule) {
  const flow_rule rule = parse_rule("flow-type tcp4 dst-port 443 action 5");
  {
    // What a tune killed right after SRXCLSRLINS leaves: the intent, no location.
    auto log = open_journal();
    log.append({{"step", "ntuple"}, {"label", "ntuple"}, {"old", nullptr}, {"new", {{"rule", format_rule(rule)}}}});
  }
  auto cnt = zeroed<ethtool_rxnfc>();
  cnt.cmd = ETHTOOL_GRXCLSRLCNT;
  auto cnt_rep = cnt;
  cnt_rep.rule_cnt = 2;
  cnt_rep.data = 64;
  io.expect("eth0", cnt, cnt_rep);
  auto all = zeroed<ethtool_rxnfc>();
  all.cmd = ETHTOOL_GRXCLSRLALL;
  all.rule_cnt = 2;
  io.expect_ioctl("eth0", with_tail(all, std::vector<std::uint32_t>{0, 0}),
                  with_tail(all, std::vector<std::uint32_t>{63, 10}));
  // Location order: 10 is someone else's rule, 63 is ours.
  const flow_rule other = parse_rule("flow-type udp4 dst-port 53 action 1");
  for (auto [loc, r] : {std::pair{10u, other}, std::pair{63u, rule}}) {
    auto get = zeroed<ethtool_rxnfc>();
    get.cmd = ETHTOOL_GRXCLSRULE;
    get.fs.location = loc;
    auto rep = get;
    rep.fs = r.fs;
    rep.fs.location = loc;
    io.expect("eth0", get, rep);
  }
  auto del = zeroed<ethtool_rxnfc>();
  del.cmd = ETHTOOL_SRXCLSRLDEL;
  del.fs.location = 63;
  io.expect("eth0", del, del);
  auto log = open_journal();
  const auto undone = revert(ctx, log);
  ASSERT_EQ(undone.size(), 1u);
  EXPECT_EQ(undone[0].what, "deleted rule at location 63");
  EXPECT_FALSE(journaled());
}

// GRXRINGS + GRSSH (sizes) + GRSSH (data) answering `table` and `key`.
void expect_get_rss_key(scripted_transport& io, const std::vector<std::uint32_t>& table,
                        const std::vector<std::uint8_t>& key) {
  auto rr = zeroed<ethtool_rxnfc>();
  rr.cmd = ETHTOOL_GRXRINGS;
  auto rr_rep = rr;
  rr_rep.data = 2;
  io.expect("eth0", rr, rr_rep);
  auto size = zeroed<ethtool_rxfh>();
  size.cmd = ETHTOOL_GRSSH;
  auto size_rep = size;
  size_rep.indir_size = static_cast<std::uint32_t>(table.size());
  size_rep.key_size = static_cast<std::uint32_t>(key.size());
  io.expect("eth0", size, size_rep);
  auto req = with_tail(size_rep, std::vector<std::uint32_t>(table.size(), 0));
  req.resize(req.size() + key.size());
  auto rep = with_tail(size_rep, table);
  for (auto b : key) rep.push_back(std::byte(b));
  io.expect_ioctl("eth0", req, rep);
}

void expect_set_key(scripted_transport& io, const std::vector<std::uint8_t>& key, int rc = 0) {
  auto h = zeroed<ethtool_rxfh>();
  h.cmd = ETHTOOL_SRSSH;
  h.indir_size = ETH_RXFH_INDIR_NO_CHANGE;
  h.key_size = static_cast<std::uint32_t>(key.size());
  io.expect_ioctl("eth0", with_tail(h, key), {}, rc);
}

TEST_F(Tune, RssKeyIsJournaledAndRevertPutsTheOldKeyBack) {
  const std::vector<std::uint32_t> table{0, 1, 1, 1};  // a user table the key step must not touch
  const std::vector<std::uint8_t> old_key{0x01, 0x02, 0x03, 0x04}, new_key{0xaa, 0xbb, 0xcc, 0xdd};
  tune_request req;
  req.rss_key = parse_rss_key("aa:bb:cc:dd");

  expect_get_rss_key(io, table, old_key);
  const auto plan = plan_tune(ctx, req);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].step, "rss key");
  EXPECT_EQ(plan[0].what, "key 01:02:03:04 -> aa:bb:cc:dd");
  EXPECT_FALSE(fs::exists(tmp.path() / "run")) << "a dry run writes no journal";

  expect_get_rss_key(io, table, old_key);  // plan
  expect_set_key(io, new_key);
  expect_get_rss_key(io, table, new_key);  // read-back
  auto log = open_journal();
  const auto done = tune(ctx, req, log);
  ASSERT_TRUE(io.finished());
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].changed);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.entries()[0]["step"], "rss_key");
  EXPECT_EQ(log.entries()[0]["old"]["key"], "01:02:03:04");
  EXPECT_EQ(log.entries()[0]["new"]["key"], "aa:bb:cc:dd");
  {
    std::ifstream in(log.path());
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_NE(line.find(R"("old":{"key":"01:02:03:04"})"), std::string::npos) << line;
  }

  expect_set_key(io, old_key);
  expect_get_rss_key(io, table, old_key);
  const auto undone = revert(ctx, log);
  ASSERT_EQ(undone.size(), 1u);
  EXPECT_EQ(undone[0].what, "restored: key aa:bb:cc:dd -> 01:02:03:04");
  EXPECT_FALSE(journaled());
}

TEST_F(Tune, RssKeyThatCannotBeJournaledOrIsIgnoredChangesNothing) {
  const std::vector<std::uint32_t> table{0, 1, 0, 1};
  const std::vector<std::uint8_t> old_key{1, 2, 3, 4};
  auto expect_failure = [&](const tune_request& req, const std::string& step, const std::string& text) {
    auto log = open_journal();
    try {
      tune(ctx, req, log);
      ADD_FAILURE() << "tune must fail: " << text;
    } catch (const tune_error& e) {
      EXPECT_EQ(e.step(), step);
      EXPECT_EQ(e.rolled_back(), 0u);
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("nothing was changed"), std::string::npos) << e.what();
    }
    EXPECT_EQ(log.size(), 0u);
  };

  tune_request short_key;
  short_key.rss_key = parse_rss_key("aa:bb:cc");
  expect_get_rss_key(io, table, old_key);
  expect_failure(short_key, "rss key", "--rss-key has 3 bytes but the driver's key has 4; give 4 bytes");

  tune_request req;
  req.rss_key = parse_rss_key("aa:bb:cc:dd");
  expect_get_rss_key(io, table, {});  // the driver hides its key
  expect_failure(req, "rss key", "does not report its RSS hash key, so the old key could not be journaled");

  // Accepted but not applied: the read-back catches it, the unchanged key
  // needs no undo.
  expect_get_rss_key(io, table, old_key);
  expect_set_key(io, {0xaa, 0xbb, 0xcc, 0xdd});
  expect_get_rss_key(io, table, old_key);  // read-back
  expect_get_rss_key(io, table, old_key);  // did the failed step change anything?
  expect_failure(req, "rss key",
                 "RSS key read-back on eth0: Input/output error — the driver accepted the key but did not apply it");

  // Refused by the driver.
  expect_get_rss_key(io, table, old_key);
  expect_set_key(io, {0xaa, 0xbb, 0xcc, 0xdd}, -EOPNOTSUPP);
  expect_get_rss_key(io, table, old_key);
  expect_failure(req, "rss key", "ETHTOOL_SRSSH on eth0: Operation not supported — the driver has no RSS hash key control");
  EXPECT_TRUE(io.finished());
  EXPECT_FALSE(journaled());
}

TEST_F(Tune, NtupleDeleteJournalsTheWholeRuleAndRevertInsertsItAtItsLocation) {
  const flow_rule rule = parse_rule("flow-type tcp4 dst-ip 10.1.2.3 dst-port 80 action 4 loc 5");
  auto get = zeroed<ethtool_rxnfc>();
  get.cmd = ETHTOOL_GRXCLSRULE;
  get.fs.location = 5;
  auto get_rep = get;
  get_rep.fs = rule.fs;
  auto del = zeroed<ethtool_rxnfc>();
  del.cmd = ETHTOOL_SRXCLSRLDEL;
  del.fs.location = 5;
  auto ins = zeroed<ethtool_rxnfc>();
  ins.cmd = ETHTOOL_SRXCLSRLINS;
  ins.fs = rule.fs;

  tune_request req;
  req.ntuple_delete = {5};
  io.expect("eth0", get, get_rep);  // plan: what is there, to journal it
  io.expect("eth0", del, del);
  auto log = open_journal();
  const auto done = tune(ctx, req, log);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].step, "ntuple delete loc 5");
  EXPECT_EQ(done[0].what, "delete flow-type tcp4 dst-ip 10.1.2.3 dst-port 80 action 4 loc 5");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.entries()[0]["step"], "ntuple-delete");
  EXPECT_EQ(log.entries()[0]["old"]["loc"], 5);
  EXPECT_EQ(log.entries()[0]["old"]["rule"], "flow-type tcp4 dst-ip 10.1.2.3 dst-port 80 action 4 loc 5");

  // Revert: the location is free, so the rule goes back exactly where it was.
  io.expect_fail("eth0", get, ENOENT);
  io.expect("eth0", ins, ins);
  const auto undone = revert(ctx, log);
  ASSERT_EQ(undone.size(), 1u);
  EXPECT_EQ(undone[0].what, "re-inserted rule at location 5");
  EXPECT_FALSE(journaled());

  // A crash between the journal line and the delete: the rule is still there
  // and revert leaves it alone instead of inserting a second copy.
  {
    auto crashed = open_journal();
    crashed.append({{"step", "ntuple-delete"},
                    {"label", "ntuple delete loc 5"},
                    {"old", {{"loc", 5}, {"rule", format_rule(rule)}}},
                    {"new", nullptr}});
  }
  io.expect("eth0", get, get_rep);
  auto again = open_journal();
  const auto redo = revert(ctx, again);
  ASSERT_EQ(redo.size(), 1u);
  EXPECT_EQ(redo[0].what, "rule at location 5 was never deleted");

  // Nothing at the location: the plan fails before anything changes.
  tune_request none;
  none.ntuple_delete = {9};
  auto get9 = get;
  get9.fs.location = 9;
  io.expect_fail("eth0", get9, ENOENT);
  auto log9 = open_journal();
  try {
    tune(ctx, none, log9);
    FAIL() << "no rule at 9";
  } catch (const tune_error& e) {
    EXPECT_EQ(e.step(), "ntuple delete");
    EXPECT_STREQ(e.what(),
                 "step 'ntuple delete' failed: ETHTOOL_GRXCLSRULE on eth0: No such file or directory — no rule at "
                 "location 9; nothing was changed");
  }
  EXPECT_TRUE(io.finished());
  EXPECT_FALSE(journaled());
}

TEST(Journal, NamedByNetworkNamespace) {
  temp_dir tmp;
  const auto dir = tmp.path() / "run";
  const std::uint64_t here = journal::current_netns();
  struct stat st;
  ASSERT_EQ(::stat("/proc/self/ns/net", &st), 0);
  EXPECT_EQ(here, static_cast<std::uint64_t>(st.st_ino));
  EXPECT_EQ(journal::path_for(dir, "eth0"), dir / (std::to_string(here) + "-eth0.journal"));
  EXPECT_NE(journal::path_for(dir, here, "eth0"), journal::path_for(dir, here + 1, "eth0"));
  EXPECT_EQ(journal::legacy_path_for(dir, "eth0"), dir / "eth0.journal");
  {
    auto log = journal::open(dir, "eth0");
    log.append({{"step", "channels"}});
    EXPECT_EQ(log.path(), journal::path_for(dir, "eth0"));
  }
  EXPECT_TRUE(fs::exists(dir / (std::to_string(here) + "-eth0.journal")));
  EXPECT_FALSE(fs::exists(dir / "eth0.journal"));
  EXPECT_THROW(journal::path_for(dir, here, "a/b"), os_error);
}

// Issue 12: a torn line was cut away without a word. It now blocks the
// journal, names its path and line, and only a skip (revert --force) opens it.
TEST(Journal, ATornLineBlocksTheJournalUntilSkippedAndIsNeverCut) {
  temp_dir tmp;
  const auto dir = tmp.path() / "run";
  {
    auto log = journal::open(dir, "eth9");
    log.append({{"step", "channels"}, {"old", 1}});
  }
  const auto path = journal::path_for(dir, "eth9");
  {
    std::ofstream out(path, std::ios::app);
    out << R"({"step":"rings","ol)";  // a crash in the middle of a write
  }
  const auto size = fs::file_size(path);
  try {
    (void)journal::open(dir, "eth9");
    FAIL() << "a torn journal opened";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), EPROTO);
    const std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    EXPECT_NE(what.find("line 2 is torn"), std::string::npos) << what;
    EXPECT_NE(what.find("revert eth9 --force"), std::string::npos) << what;
  }
  EXPECT_EQ(fs::file_size(path), size) << "the file must be kept as it was";
  auto log = journal::open(dir, "eth9", damage_policy::skip);
  ASSERT_EQ(log.size(), 1u);
  ASSERT_EQ(log.damaged().size(), 1u);
  EXPECT_EQ(log.damaged()[0].line, 2u);
  EXPECT_EQ(log.line_of(0), 1u);
}

TEST(Journal, ALineThatIsJsonButNotAStepBlocksTuneAndRevertAlike) {
  temp_dir tmp;
  const auto dir = tmp.path() / "run";
  { auto log = journal::open(dir, "eth9"); }
  {
    std::ofstream out(journal::path_for(dir, "eth9"), std::ios::app);
    out << R"({"step":"channels","old":1,"new":2})" << "\n" << "[1,2,3]\n";
  }
  try {
    (void)journal::open(dir, "eth9");
    FAIL() << "a journal with a non-step line opened";
  } catch (const os_error& e) {
    EXPECT_NE(std::string(e.what()).find("line 2 is not a step"), std::string::npos) << e.what();
  }
}

TEST(Journal, ASymlinkOrAFifoInTheJournalsPlaceIsRefusedAndItsTargetUntouched) {
  temp_dir tmp;
  const auto dir = tmp.path() / "run";
  fs::create_directories(dir);
  const auto target = tmp.path() / "precious";
  { std::ofstream(target) << "keep me\n"; }
  fs::create_symlink(target, journal::path_for(dir, "eth9"));
  try {
    (void)journal::open(dir, "eth9");
    FAIL() << "a symlink was opened";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), ELOOP) << e.what();
  }
  EXPECT_EQ(fs::file_size(target), 8u);
  ASSERT_EQ(::mkfifo(journal::path_for(dir, "eth8").c_str(), 0600), 0);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW((void)journal::open(dir, "eth8"), os_error);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  EXPECT_THROW(journal::path_for(dir, "eth 0"), os_error);
  EXPECT_THROW(journal::path_for(dir, "sixteen-bytes-xx"), os_error);
}

TEST(JournalText, SortsEveryLineIntoStepsOrDamage) {
  const auto t = parse_journal_text("{\"step\":\"rss\"}\nnope\n{\"x\":1}\n\n{\"step\":\"rings\"}\n{\"step\":");
  ASSERT_EQ(t.entries.size(), 2u);
  EXPECT_EQ(t.lines, (std::vector<std::size_t>{1, 5}));
  EXPECT_EQ(t.offsets[1], 29u);
  ASSERT_EQ(t.damaged.size(), 4u);
  EXPECT_EQ(t.damaged[0].line, 2u);
  EXPECT_EQ(t.damaged[1].line, 3u);
  EXPECT_EQ(t.damaged[2].line, 4u);  // an empty line is not JSON either
  EXPECT_EQ(t.damaged[3].line, 6u);
  EXPECT_EQ(t.damaged[3].why, "torn: no newline at its end");
}

TEST(Journal, LockIsExclusiveAndTruncateKeepsTheFirstEntries) {
  temp_dir tmp;
  const auto dir = tmp.path() / "run";
  {
    auto log = journal::open(dir, "eth9");
    log.append({{"step", "channels"}, {"old", 1}});
    log.append({{"step", "rss"}});
    EXPECT_THROW(journal::open(dir, "eth9"), os_error) << "a second holder must be refused";
  }
  {
    auto log = journal::open(dir, "eth9");
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log.entries()[1]["step"], "rss");
    log.truncate(1);
  }
  {
    auto log = journal::open(dir, "eth9");
    EXPECT_EQ(log.size(), 1u);
    EXPECT_THROW(log.remove(), os_error) << "only an empty journal may go";
  }
  {
    std::ofstream out(journal::path_for(dir, "eth9"), std::ios::app);
    out << "not json\n";
  }
  EXPECT_THROW(journal::open(dir, "eth9"), os_error);
  EXPECT_THROW(journal::path_for(dir, "../etc"), os_error);
}

}  // namespace
}  // namespace xdpkit::ethtool
