// SPDX-License-Identifier: Apache-2.0
// `xdpkit topology` and `xdpkit validate` as the CLI runs them: output equals
// the library's JSON, exit codes follow commands.hpp (0 ok, 1 error found,
// 2 setup error).
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "temp_tree.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/json.hpp"

namespace xdpkit::topology {
namespace {

using test::fixture_root;

struct result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

result run(std::vector<std::string> args) {
  CLI::App app{"xdpkit"};
  app.require_subcommand(1);
  int exit_code = 0;
  cli::add_topology_commands(app, exit_code);
  args.insert(args.begin(), "xdpkit");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  result r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    r.exit_code = exit_code;
  } catch (const CLI::ParseError& e) {
    r.exit_code = 100;  // CLI11's own usage error, outside our callbacks
  }
  std::fflush(stdout);
  r.out = testing::internal::GetCapturedStdout();
  r.err = testing::internal::GetCapturedStderr();
  return r;
}

TEST(Cli, TopologyJsonIsTheLibrarysJson) {
  auto root = fixture_root("two-socket-ht");
  auto r = run({"topology", "--json", "--root", root.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out), topology_json(read_host(host_root(root))));
}

TEST(Cli, TopologyTableShowsNodesNicsAndPlan) {
  auto r = run({"topology", "--root", fixture_root("two-socket-ht").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* want : {"NUMA nodes: 0-1", "4-7,12-15", "10 21", "eth2", "0000:81:00.0", "ice-eth2-TxRx-15",
                           "Plan for eth2", "1 GiB"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
}

TEST(Cli, ValidateExitCodes) {
  auto bad = run({"validate", "--iface", "eth2", "--root", fixture_root("two-socket-ht").string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("[FAIL] hugepages_free"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("remedy: echo 134 >"), std::string::npos) << bad.out;
  auto good = run({"validate", "--json", "--iface", "ens1f0", "--root", fixture_root("hotplug-memnode").string()});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  auto j = nlohmann::json::parse(good.out);
  EXPECT_EQ(j["schema"], "xdpkit.validate/1");
  EXPECT_EQ(j["errors"], false);
  auto missing = run({"validate", "--iface", "eth9", "--root", fixture_root("hotplug-memnode").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("eth9"), std::string::npos) << missing.err;
}

// Issue 12: a long isolcpus= and a bare isolcpus later made validate free a
// string twice and topology print garbage. Both must show the assignment.
TEST(Cli, ABareIsolcpusAfterALongAssignmentIsShownNotDereferenced) {
  test::temp_tree t;
  t.copy_fixture("two-socket-ht");
  std::filesystem::remove(t.path() / "proc/cmdline");
  t.write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz isolcpus=managed_irq,domain,4-7,12-15 quiet isolcpus\n");
  auto v = run({"validate", "--root", t.path().string()});
  EXPECT_TRUE(v.exit_code == 0 || v.exit_code == 1) << v.exit_code << v.err;
  EXPECT_NE(v.out.find("managed_irq,domain,4-7,12-15"), std::string::npos) << v.out;
  auto topo = run({"topology", "--root", t.path().string()});
  ASSERT_EQ(topo.exit_code, 0) << topo.err;
  EXPECT_NE(topo.out.find("isolcpus=managed_irq,domain,4-7,12-15 "), std::string::npos) << topo.out;
}

TEST(Cli, RootThatIsNoSysfsIsASetupError) {
  test::temp_tree empty;
  auto r = run({"topology", "--root", empty.path().string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sys/devices/system/cpu/online"), std::string::npos) << r.err;
  EXPECT_EQ(run({"topology", "--root", "/nonexistent-xdpkit"}).exit_code, 100);
}

}  // namespace
}  // namespace xdpkit::topology
