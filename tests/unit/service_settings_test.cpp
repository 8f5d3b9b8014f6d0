// SPDX-License-Identifier: Apache-2.0
// The service's host settings: [sysctl] on a fake /proc/sys, each value journaled before it
// is written, the old one written back at the stop, a dead service's journal
// replayed by the next start; a sysctl someone changed since is left as it
// is, and a namespace that is gone takes its net.* lines with it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/service/host_settings.hpp"

namespace xdpkit::service {
namespace {

namespace fs = std::filesystem;

class ServiceSysctls : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xdpkit-sysctls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    set("net.core.busy_read", "0");
    set("kernel.sched_rt_runtime_us", "950000");
    set("net.ipv4.tcp_rmem", "4096\t131072\t6291456");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path file(const std::string& name) const {
    std::string rel = name;
    for (auto& c : rel) c = c == '.' ? '/' : c;
    return dir_ / "root/proc/sys" / rel;
  }
  void set(const std::string& name, const std::string& v) const {
    fs::create_directories(file(name).parent_path());
    std::ofstream(file(name)) << v << "\n";
  }
  std::string get(const std::string& name) const {
    std::ifstream in(file(name));
    std::string v;
    std::getline(in, v);
    return v;
  }
  topology::host_root root() const { return topology::host_root(dir_ / "root"); }
  fs::path run() const { return dir_ / "run"; }
  fs::path journal_file() const { return settings_journal_path(run(), ethtool::journal::current_netns()); }

  fs::path dir_;
};

TEST_F(ServiceSysctls, SetForTheLifetimeAndWrittenBackAtTheStop) {
  auto s = host_settings::start({{"net.core.busy_read", "50"}, {"kernel.sched_rt_runtime_us", "-1"}}, run(), root());
  EXPECT_EQ(get("net.core.busy_read"), "50");
  EXPECT_EQ(get("kernel.sched_rt_runtime_us"), "-1");
  EXPECT_EQ(s.entries(), 2u);
  EXPECT_TRUE(fs::exists(journal_file()));
  EXPECT_EQ(settings_journal_netns(journal_file()), ethtool::journal::current_netns());
  const auto done = s.revert();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].changed && done[1].changed);
  EXPECT_EQ(get("net.core.busy_read"), "0");
  EXPECT_EQ(get("kernel.sched_rt_runtime_us"), "950000");
  EXPECT_FALSE(fs::exists(journal_file()));
}

TEST_F(ServiceSysctls, AValueAlreadyThereIsNotJournaledAndMultiValuesCompareByWords) {
  auto s = host_settings::start({{"net.ipv4.tcp_rmem", "4096 131072  6291456"}}, run(), root());
  ASSERT_EQ(s.applied().size(), 1u);
  EXPECT_FALSE(s.applied()[0].changed);
  EXPECT_EQ(s.entries(), 0u);
  EXPECT_FALSE(fs::exists(journal_file())) << "nothing held, no file to mistake for a dead service's";
}

TEST_F(ServiceSysctls, OneSomeoneChangedSinceIsLeftAsItIs) {
  auto s = host_settings::start({{"net.core.busy_read", "50"}}, run(), root());
  set("net.core.busy_read", "70");
  const auto done = s.revert();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].changed);
  EXPECT_NE(done[0].what.find("someone set 70"), std::string::npos) << done[0].what;
  EXPECT_EQ(get("net.core.busy_read"), "70");
}

TEST_F(ServiceSysctls, ADeadServicesJournalIsReplayedByTheNextStart) {
  {
    auto log = open_settings_journal(journal_file());
    log.append(sysctl_line("net.core.busy_read", "0", "50"));
  }
  set("net.core.busy_read", "50");  // as the dead one left it
  auto s = host_settings::start({}, run(), root());
  ASSERT_EQ(s.replayed().size(), 1u);
  EXPECT_TRUE(s.replayed()[0].changed);
  EXPECT_EQ(get("net.core.busy_read"), "0");
  EXPECT_FALSE(fs::exists(journal_file()));
}

TEST_F(ServiceSysctls, AGoneNamespaceTakesItsNetLinesTheHostsGoBack) {
  {
    auto log = open_settings_journal(journal_file());
    log.append(sysctl_line("kernel.sched_rt_runtime_us", "950000", "-1"));
    log.append(sysctl_line("net.core.busy_read", "0", "50"));
  }
  set("kernel.sched_rt_runtime_us", "-1");
  set("net.core.busy_read", "50");
  auto log = open_settings_journal(journal_file());
  const auto done = revert_settings_journal(root(), log, true);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_FALSE(done[0].changed) << "net.* went with the namespace";
  EXPECT_EQ(get("net.core.busy_read"), "50") << "this root's net.* is not the namespace's";
  EXPECT_TRUE(done[1].changed);
  EXPECT_EQ(get("kernel.sched_rt_runtime_us"), "950000");
}

TEST_F(ServiceSysctls, AMissingSysctlIsNamedAndNothingStays) {
  try {
    (void)host_settings::start({{"kernel.sched_rt_runtime_us", "-1"}, {"net.core.no_such_knob", "1"}}, run(), root());
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("net.core.no_such_knob"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get("kernel.sched_rt_runtime_us"), "950000") << "what was set before the failure is put back";
  EXPECT_FALSE(fs::exists(journal_file()));
}

TEST_F(ServiceSysctls, ARunningServiceHoldsItsJournal) {
  auto s = host_settings::start({{"net.core.busy_read", "50"}}, run(), root());
  try {
    (void)open_settings_journal(journal_file());
    FAIL() << "opened a held journal";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EWOULDBLOCK);
  }
}

TEST_F(ServiceSysctls, ACgroupLineIsRemovedOrFoundGone) {
  const fs::path cg = dir_ / "cg" / "xdpkit-up-1-eth1";
  fs::create_directories(cg);
  {
    auto log = open_settings_journal(journal_file());
    log.append(cgroup_line(dir_ / "cg" / "xdpkit-up-1-eth0", {}));  // never made
    log.append(cgroup_line(cg, {}));
  }
  auto log = open_settings_journal(journal_file());
  const auto done = revert_settings_journal(root(), log);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].changed) << done[0].what;
  EXPECT_FALSE(fs::exists(cg));
  EXPECT_FALSE(done[1].changed);
  EXPECT_EQ(done[1].what, "already gone");
  EXPECT_FALSE(fs::exists(journal_file()));
}

}  // namespace
}  // namespace xdpkit::service
