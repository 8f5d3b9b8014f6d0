// SPDX-License-Identifier: Apache-2.0
// A service journal's pool lines given back (give_back_pools) on a fake
// sysfs: exactly the pages the line grew, from the size the pool has now, so
// another owner's pages stay; a pool someone shrank, or one never grown, is
// left as it is.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/service/host_changes.hpp"
#include "xdpkit/topology/hugepages.hpp"

namespace xdpkit::service {
namespace {

namespace fs = std::filesystem;

class GiveBackPools : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/xdpkit-pools-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(pool_file().parent_path());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void set_pool(std::uint64_t n) const { std::ofstream(pool_file()) << n << "\n"; }
  std::uint64_t pool() const {
    std::uint64_t n = 0;
    std::ifstream(pool_file()) >> n;
    return n;
  }
  fs::path pool_file() const { return dir_ / "root" / fs::path(topology::hugepage_pool_path(1, 2048)).relative_path(); }
  ethtool::journal journal_with(std::uint64_t old_total, std::uint64_t new_total) const {
    auto j = ethtool::journal::open(dir_ / "run", "eth1");
    j.append(pool_line(1, 2048, old_total, new_total));
    return j;
  }
  topology::host_root root() const { return topology::host_root(dir_ / "root"); }

  fs::path dir_;
};

TEST_F(GiveBackPools, ThePagesItGrewGoBackAndTheJournalGoes) {
  auto j = journal_with(2, 10);
  set_pool(10);
  const auto done = give_back_pools(root(), j);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_TRUE(done[0].changed);
  EXPECT_EQ(done[0].step, "hugepages node 1 2048kB");
  EXPECT_EQ(pool(), 2u);
  EXPECT_FALSE(fs::exists(j.path())) << "nothing is left to put back";
}

TEST_F(GiveBackPools, AnotherOwnersPagesStay) {
  auto j = journal_with(2, 10);
  set_pool(14);  // someone grew it by 4 after us
  (void)give_back_pools(root(), j);
  EXPECT_EQ(pool(), 6u) << "only the 8 this service added go";
}

TEST_F(GiveBackPools, APoolShrunkBelowWhatItGrewIsLeftAndSaid) {
  auto j = journal_with(2, 10);
  set_pool(5);
  const auto done = give_back_pools(root(), j);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].changed);
  EXPECT_NE(done[0].what.find("someone shrank it"), std::string::npos) << done[0].what;
  EXPECT_EQ(pool(), 5u);
}

TEST_F(GiveBackPools, ALineWrittenBeforeACrashBeforeTheGrowChangesNothing) {
  auto j = journal_with(2, 10);
  set_pool(2);  // the line was fsynced, the write never happened
  const auto done = give_back_pools(root(), j);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].changed);
  EXPECT_EQ(pool(), 2u);
}

TEST_F(GiveBackPools, OnlyTheTrailingPoolLinesGoTheNicsStay) {
  auto j = ethtool::journal::open(dir_ / "run", "eth1");
  j.append({{"step", "rps"}, {"label", "rps rx-0"}, {"old", "0"}, {"new", "1"}});
  j.append(pool_line(1, 2048, 0, 4));
  set_pool(4);
  (void)give_back_pools(root(), j);
  EXPECT_EQ(pool(), 0u);
  EXPECT_EQ(j.size(), 1u) << "the NIC's line waits for its namespace";
  EXPECT_TRUE(fs::exists(j.path()));
  j.truncate(0);
  j.remove();
}

TEST_F(GiveBackPools, ALineThatIsNotAPoolIsNamedWithItsPlace) {
  auto j = ethtool::journal::open(dir_ / "run", "eth1");
  j.append({{"step", "hugepages"}, {"label", "hugepages node 1 2048kB"}});
  set_pool(4);
  try {
    (void)give_back_pools(root(), j);
    FAIL() << "a pool line without its sizes must not be given back";
  } catch (const ethtool::tune_error& e) {
    EXPECT_NE(std::string(e.what()).find(j.path().string() + ":1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(pool(), 4u);
  j.truncate(0);
  j.remove();
}

}  // namespace
}  // namespace xdpkit::service
