// SPDX-License-Identifier: Apache-2.0
// The validator over fixtures with known faults: each check finds what the
// fixture was built to show, with evidence and a remedy.
#include <gtest/gtest.h>

#include <fstream>

#include <filesystem>

#include "temp_tree.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/validator.hpp"

namespace xdpkit::topology {
namespace {

using test::fixture_root;
using test::temp_tree;

validation_report run(const std::filesystem::path& dir, std::optional<std::string> iface) {
  host_root root(dir);
  validate_options o;
  o.iface = std::move(iface);
  return validate_host(root, read_host(root), o);
}

severity level(const validation_report& r, std::string_view id) {
  const check_result* c = r.find(id);
  EXPECT_NE(c, nullptr) << id;
  return c ? c->level : severity::ok;
}

TEST(Validator, UntunedTwoSocketHost) {
  auto r = run(fixture_root("two-socket-ht"), "eth2");
  EXPECT_TRUE(r.has_errors());
  EXPECT_EQ(level(r, "numa_topology"), severity::ok);
  EXPECT_EQ(level(r, "cpu_isolation"), severity::warning);
  EXPECT_EQ(level(r, "numa_balancing"), severity::warning);
  EXPECT_EQ(level(r, "irqbalance"), severity::warning);
  EXPECT_EQ(level(r, "transparent_hugepages"), severity::warning);
  EXPECT_EQ(level(r, "hugepages_free"), severity::error);
  EXPECT_EQ(level(r, "cpufreq_governor"), severity::warning);
  EXPECT_EQ(level(r, "swap"), severity::warning);
  EXPECT_EQ(level(r, "sched_rt_runtime"), severity::info);
  EXPECT_EQ(level(r, "busy_poll"), severity::info);
  EXPECT_EQ(level(r, "netdev_budget"), severity::ok);
  EXPECT_EQ(level(r, "bpf_jit"), severity::ok);
  EXPECT_EQ(level(r, "nic_numa_node"), severity::ok);
  EXPECT_EQ(level(r, "nic_irq_affinity"), severity::warning);

  const check_result* iso = r.find("cpu_isolation");
  EXPECT_NE(iso->summary.find("rcu_nocbs=4-7,12-15"), std::string::npos) << iso->summary;
  EXPECT_NE(iso->remedy.find("nohz_full=4-7,12-15"), std::string::npos) << iso->remedy;
  const check_result* hp = r.find("hugepages_free");
  EXPECT_NE(hp->summary.find("node 1"), std::string::npos) << hp->summary;
  EXPECT_NE(hp->summary.find("128 pages"), std::string::npos) << hp->summary;  // 16 queues x 8 pages
  EXPECT_NE(hp->remedy.find("echo 134 > /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages"),
            std::string::npos) << hp->remedy;
  const check_result* irqb = r.find("irqbalance");
  ASSERT_EQ(irqb->evidence.size(), 1u);
  EXPECT_EQ(irqb->evidence[0].source, "/proc/812/stat");
  const check_result* gov = r.find("cpufreq_governor");
  EXPECT_NE(gov->summary.find("8-15"), std::string::npos);
  for (const auto& c : r.checks) {
    EXPECT_FALSE(c.evidence.empty()) << c.id;
    if (c.level >= severity::warning) {
      EXPECT_FALSE(c.remedy.empty()) << c.id;
    }
  }
}

// Issue 12: a pool of 2^64-1 pages made the remedy wrap to `echo 127 >
// nr_hugepages`. Counters no kernel reports get no arithmetic.
TEST(Validator, AnImpossiblePoolGetsNoWrappedRemedy) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  const std::string dir = "/sys/devices/system/node/node1/hugepages/hugepages-2048kB";
  std::filesystem::remove(t.path() / dir.substr(1) / "nr_hugepages");
  t.write(dir + "/nr_hugepages", "18446744073709551615\n");
  auto r = run(t.path(), "eth2");
  const check_result* hp = r.find("hugepages_free");
  ASSERT_NE(hp, nullptr);
  EXPECT_EQ(hp->level, severity::error);
  EXPECT_NE(hp->summary.find("which no kernel reports"), std::string::npos) << hp->summary;
  EXPECT_EQ(hp->remedy.find("echo "), std::string::npos) << hp->remedy;
}

TEST(Validator, TunedHostPasses) {
  auto r = run(fixture_root("hotplug-memnode"), "ens1f0");
  EXPECT_FALSE(r.has_errors());
  EXPECT_EQ(r.worst(), severity::info);  // only the offline CPU is worth a note
  EXPECT_EQ(level(r, "cpus_offline"), severity::info);
  EXPECT_EQ(level(r, "cpu_isolation"), severity::ok);
  EXPECT_EQ(level(r, "hugepages_free"), severity::ok);
  EXPECT_EQ(level(r, "nic_irq_affinity"), severity::ok);
}

TEST(Validator, NoNumaKernelWithoutJit) {
  auto r = run(fixture_root("no-numa"), std::nullopt);
  EXPECT_EQ(level(r, "numa_topology"), severity::info);
  EXPECT_EQ(level(r, "bpf_jit"), severity::error);
  EXPECT_EQ(level(r, "netdev_budget"), severity::warning);
  EXPECT_EQ(level(r, "hugepages_free"), severity::error);
  EXPECT_EQ(level(r, "numa_balancing"), severity::ok);
  EXPECT_EQ(r.find("nic_numa_node"), nullptr) << "NIC checks only with an interface";
}

TEST(Validator, UnknownInterfaceIsASetupError) {
  host_root root(fixture_root("no-numa"));
  auto h = read_host(root);
  validate_options o;
  o.iface = "eth7";
  EXPECT_THROW(validate_host(root, h, o), os_error);
  o.iface = "../x";
  EXPECT_THROW(validate_host(root, h, o), std::invalid_argument);
}

TEST(Validator, UnreadableFilesBecomeEvidence) {
  temp_tree t;
  t.copy_fixture("hotplug-memnode");
  std::filesystem::remove(t.path() / "proc/sys/net/core/bpf_jit_enable");
  std::filesystem::remove(t.path() / "sys/kernel/mm/transparent_hugepage/enabled");
  host_root root(t.path());
  auto r = validate_host(root, read_host(root), {});
  EXPECT_EQ(level(r, "bpf_jit"), severity::error);
  EXPECT_EQ(r.find("bpf_jit")->evidence[0].value, "(absent)");
  EXPECT_EQ(level(r, "transparent_hugepages"), severity::ok);
}

// In a network namespace other than the first, net.core.bpf_jit_* do not
// exist but per-namespace sysctls do: unknown, not "no JIT".
TEST(Validator, TheJitSeenFromANamespaceIsUnknownNotAbsent) {
  temp_tree t;
  t.copy_fixture("hotplug-memnode");
  std::filesystem::remove(t.path() / "proc/sys/net/core/bpf_jit_enable");
  std::ofstream(t.path() / "proc/sys/net/core/somaxconn") << "4096\n";
  host_root root(t.path());
  auto r = validate_host(root, read_host(root), {});
  EXPECT_EQ(level(r, "bpf_jit"), severity::info);
  EXPECT_NE(r.find("bpf_jit")->remedy.find("sysctl net.core.bpf_jit_enable"), std::string::npos);
}

TEST(Validator, NumaBalancingMattersOnlyWithSeveralNodes) {
  temp_tree t;
  t.copy_fixture("live-vm-1node");
  t.write("/proc/sys/kernel/numa_balancing", "1\n");
  host_root root(t.path());
  auto r = validate_host(root, read_host(root), {});
  EXPECT_EQ(level(r, "numa_balancing"), severity::info);
}

}  // namespace
}  // namespace xdpkit::topology
