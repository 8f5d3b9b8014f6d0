// SPDX-License-Identifier: Apache-2.0
// The huge-page pool `xdpkit up` grows for its UMEMs: on the node the UMEMs
// go to, by what its free pages lack, journaled with the tune, and given back
// at the stop, by the next start or by `xdpkit clean` (also when the dead
// service's namespace is gone: the pool is the host's).
#include "up_fixture.hpp"

namespace xdpkit::testing {
namespace {

struct pool_counts {
  std::uint64_t total = 0, free = 0;
};

pool_counts read_pool(unsigned node) {
  const std::string dir = "/sys/devices/system/node/node" + std::to_string(node) + "/hugepages/hugepages-2048kB/";
  pool_counts p;
  std::ifstream(dir + "nr_hugepages") >> p.total;
  std::ifstream(dir + "free_hugepages") >> p.free;
  return p;
}

class UpPoolTest : public UpTest {
 protected:
  void SetUp() override {
    UpTest::SetUp();
    if (IsSkipped()) return;
    if (!fs::exists("/sys/devices/system/node/node0/hugepages/hugepages-2048kB"))
      GTEST_SKIP() << "no 2 MiB huge-page pool on node 0 (a kernel without CONFIG_HUGETLBFS)";
    // 4096 frames of 4 KiB: one UMEM of 8 pages of 2 MiB.
    if (read_pool(0).free >= kUmemPages)
      GTEST_SKIP() << read_pool(0).free << " free 2 MiB pages on node 0: the UMEM fits, nothing to grow";
    write("fw.rules", "redirect-xsk proto udp dport 9\n");
    std::string c = config("", false);
    // Shareable: the UMEM is a hugetlb memfd, whose mmap reserves the pages.
    c.replace(c.find("pages = \"normal\""), 16, "pages = \"huge\"\nshareable = true");
    write("xdpkit.toml", c);
  }
  static constexpr std::uint64_t kUmemPages = 8;

  // Starts up and returns its start event, with the pool grown.
  json start_grown(cli_child& up) {
    const auto start = until(up, [](const json& j) { return type_is(j, "start") || type_is(j, "error"); });
    if (!start || !type_is(*start, "start")) {
      ADD_FAILURE() << up.output();
      return {};
    }
    return *start;
  }
  static bool has_step(const json& steps, const std::string& prefix) {
    for (const auto& s : steps)
      if (s.value("step", "").rfind(prefix, 0) == 0) return true;
    return false;
  }
};

TEST_F(UpPoolTest, AShortPoolIsGrownForTheUmemAndGivenBackAtTheStop) {
  const pool_counts before = read_pool(0);
  cli_child up(up_args(), in_dut_ns());
  const json start = start_grown(up);
  ASSERT_FALSE(start.empty());
  const auto node = start["umem_numa_node"].get<unsigned>();
  ASSERT_EQ(node, 0u) << "a veth's UMEM goes to its first worker's node: " << start.dump();
  EXPECT_TRUE(has_step(start["tuned"], "hugepages node 0 2048kB")) << start.dump();
  EXPECT_TRUE(start["huge_pages"]) << "the UMEM is on the pages grown for it: " << start.dump();
  EXPECT_EQ(read_pool(0).total, before.total + (kUmemPages - before.free));
  EXPECT_EQ(journals().size(), 1u) << "the pool is journaled even with no tune";
  ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
  send_unpaced(1000, 100);
  ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "interval") && j["rx_packets"] == 1000; }))
      << up.output();

  kill(up.pid(), SIGTERM);
  const auto stop = until(up, [](const json& j) { return type_is(j, "stop"); });
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
  ASSERT_TRUE(stop) << up.output();
  EXPECT_TRUE(has_step((*stop)["reverted"][lab_->dut_if()], "hugepages node 0")) << stop->dump();
  // The kernel frees a UMEM's pages from a work queue after the socket's
  // close, so a page may still be in use at the revert: it became surplus
  // then, and leaves the pool once freed.
  EXPECT_TRUE(wait_until([&] { return read_pool(0).total == before.total; }, 2s))
      << "the pool has the size it had before up: " << read_pool(0).total << " pages, was " << before.total;
  EXPECT_TRUE(journals().empty());
}

// kill -9, then the lab (and with it the namespace the dead service ran in)
// goes: clean cannot enter the namespace, but gives the pool back from here.
TEST_F(UpPoolTest, CleanGivesBackTheDeadServicesPoolAfterItsNamespaceWent) {
  const pool_counts before = read_pool(0);
  {
    cli_child up(up_args(), in_dut_ns());
    ASSERT_FALSE(start_grown(up).empty());
    ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
    kill(up.pid(), SIGKILL);
    EXPECT_EQ(up.wait_exit(), 128 + SIGKILL);
  }
  ASSERT_GT(read_pool(0).total, before.total) << "nothing gave the pool back yet";
  ASSERT_EQ(journals().size(), 1u);
  lab_.reset();

  {
    cli_child dry({"clean", "--run-dir", run_dir_.string(), "--dry-run", "--json"});
    EXPECT_EQ(dry.wait_exit(), 0) << dry.output();
    const json j = json::parse(dry.output());
    ASSERT_EQ(j["journals"].size(), 1u) << j.dump();
    EXPECT_TRUE(has_step(j["journals"][0]["steps"], "hugepages node 0")) << j.dump();
    EXPECT_GT(read_pool(0).total, before.total) << "a dry run changes nothing";
  }
  cli_child clean({"clean", "--run-dir", run_dir_.string(), "--json"});
  EXPECT_EQ(clean.wait_exit(), 0) << clean.output();
  const json j = json::parse(clean.output());
  EXPECT_TRUE(j["ok"]) << j.dump();
  EXPECT_TRUE(wait_until([&] { return read_pool(0).total == before.total; }, 2s)) << clean.output();
  EXPECT_TRUE(journals().empty()) << "a journal of pool lines only is done once they are given back";
}

}  // namespace
}  // namespace xdpkit::testing
