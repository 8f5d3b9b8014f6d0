// SPDX-License-Identifier: Apache-2.0
// Files that lie: each case damages one file of a fixture copy and checks the
// outcome is defined (a value, or parse_error/os_error naming the file),
// never a crash. The fuzz targets push the same parsers much further.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <filesystem>

#include "temp_tree.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/interrupts.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/topology/numa.hpp"
#include "xdpkit/topology/validator.hpp"

namespace xdpkit::topology {
namespace {

using test::temp_tree;

// What the damage must lead to.
enum class outcome {
  defined,    // a snapshot, topology JSON and a validation report
  fatal,      // parse_error naming the path: the host cannot be read
  skips_nic,  // a snapshot without the interface the file belongs to, the path in skipped_interfaces
};

struct damage {
  const char* name;
  const char* path;
  std::string text;
  outcome want;
};

class Hostile : public ::testing::TestWithParam<damage> {};

TEST_P(Hostile, DefinedResult) {
  const damage& d = GetParam();
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  std::filesystem::remove(t.path() / std::filesystem::path(d.path).relative_path());
  t.write(d.path, d.text);
  host_root root(t.path());
  if (d.want == outcome::fatal) {
    try {
      read_host(root);
      FAIL() << "no throw for " << d.name;
    } catch (const parse_error& e) {
      EXPECT_NE(std::string(e.what()).find(d.path), std::string::npos) << e.what();
    }
    return;
  }
  auto h = read_host(root);
  if (d.want == outcome::skips_nic) {
    ASSERT_EQ(h.skipped_interfaces.size(), 1u) << d.name;
    EXPECT_NE(h.skipped_interfaces[0].find("eth2"), std::string::npos) << h.skipped_interfaces[0];
    EXPECT_EQ(h.find_nic("eth2"), nullptr);
  } else {
    EXPECT_TRUE(h.skipped_interfaces.empty()) << ::testing::PrintToString(h.skipped_interfaces);
  }
  // The whole pipeline must still produce output.
  auto j = topology_json(h);
  auto r = validate_host(root, h, {});
  const auto replace = nlohmann::json::error_handler_t::replace;
  EXPECT_FALSE(j.dump(-1, ' ', false, replace).empty());
  EXPECT_FALSE(validation_json(r).dump(-1, ' ', false, replace).empty());
  EXPECT_FALSE(r.checks.empty());
}

const char* irq_list = "/proc/irq/125/smp_affinity_list";

INSTANTIATE_TEST_SUITE_P(
    Files, Hostile,
    ::testing::Values(
        damage{"empty_node_cpulist", "/sys/devices/system/node/node1/cpulist", "", outcome::defined},
        damage{"empty_online", "/sys/devices/system/cpu/online", "\n", outcome::defined},
        damage{"descending_online", "/sys/devices/system/cpu/online", "15-0\n", outcome::fatal},
        damage{"huge_range", "/sys/devices/system/cpu/present", "0-4294967295\n", outcome::fatal},
        damage{"binary_core_id", "/sys/devices/system/cpu/cpu3/topology/core_id", std::string("\x00\xff\x01", 3), outcome::fatal},
        damage{"negative_numa_node", "/sys/devices/pci0000:81/0000:81:00.0/numa_node", "-5\n", outcome::skips_nic},
        damage{"text_numa_node", "/sys/devices/pci0000:81/0000:81:00.0/numa_node", "one\n", outcome::skips_nic},
        damage{"distance_garbage", "/sys/devices/system/node/node0/distance", "10 2x\n", outcome::fatal},
        damage{"truncated_distance", "/sys/devices/system/node/node0/distance", "10", outcome::defined},
        damage{"meminfo_overflow", "/sys/devices/system/node/node0/meminfo",
               "Node 0 MemTotal: 99999999999999999999999 kB\n", outcome::fatal},
        damage{"truncated_interrupts", "/proc/interrupts",
               "       CPU0       CPU1\n 120:   3   0  IR-PCI-MSIX-0000:81:00.0 0-ed", outcome::defined},
        damage{"interrupt_name_with_newline", "/proc/interrupts",
               "   CPU0 CPU1\n 121: 1 2 chip 1-edge ice-eth2-TxRx-0\nNMI: 5 6 injected\n", outcome::defined},
        damage{"interrupts_without_header", "/proc/interrupts", " 121: 1 2 chip 1-edge x\n", outcome::fatal},
        damage{"affinity_4096_cpus", irq_list, cpu_set::range(0, 4095).to_list() + "\n", outcome::defined},
        damage{"affinity_garbage", irq_list, "0-3,\n", outcome::skips_nic},
        damage{"cmdline_bad_isolcpus", "/proc/cmdline", "isolcpus=domain,7-2\n", outcome::fatal},
        damage{"cmdline_newlines", "/proc/cmdline", "quiet\nisolcpus=1\n\n", outcome::defined},
        damage{"buddyinfo_truncated", "/proc/buddyinfo", "Node 0, zone   Normal    1201    9", outcome::defined},
        damage{"buddyinfo_garbage", "/proc/buddyinfo", "Node 0, zone\n", outcome::fatal},
        damage{"hugepage_count_text", "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages",
               "lots\n", outcome::fatal},
        damage{"sysctl_garbage", "/proc/sys/net/core/netdev_budget", "\xff\xfe", outcome::defined},
        damage{"stat_comm_unbalanced", "/proc/812/stat", "812 (irqbalance S 1 2 3", outcome::defined},
        damage{"empty_stat", "/proc/1/stat", "", outcome::defined}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(HostileExtra, AffinityMaskOf4096CpusWithoutListFile) {
  temp_tree t;
  std::string mask = cpu_set::range(0, 4095).to_mask();
  t.write("/proc/irq/9/smp_affinity", mask + "\n");
  auto a = read_irq_affinity(host_root(t.path()), 9);
  EXPECT_EQ(a.affinity.count(), 4096u);
  EXPECT_EQ(a.affinity.to_list(), "0-4095");
}

TEST(HostileExtra, InterruptNameWithNewlineSplitsIntoDefinedLines) {
  auto tbl = parse_interrupts("   CPU0 CPU1\n 121: 1 2 chip 1-edge evil\nNMI: 5 6 injected\n");
  ASSERT_EQ(tbl.lines.size(), 2u);
  EXPECT_EQ(tbl.lines[0].name, "evil");
  EXPECT_EQ(tbl.lines[1].id, "NMI");
}

TEST(HostileExtra, OversizedFileIsRefused) {
  temp_tree t;
  t.write("/proc/cmdline", std::string((64u << 20) + 1, 'a'));
  try {
    host_root(t.path()).read("/proc/cmdline");
    FAIL() << "no throw";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), EFBIG);
  }
}

// Issue 12: online "0-65535" beside two node directories ran for minutes
// (a cubic distance check). Now a parse error naming the file, at once.
TEST(HostileExtra, AnOnlineNodeListBeyondLinuxsLimitIsRefusedAtOnce) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  std::filesystem::remove(t.path() / "sys/devices/system/node/online");
  t.write("/sys/devices/system/node/online", "0-65535\n");
  const auto t0 = std::chrono::steady_clock::now();
  try {
    read_host(host_root(t.path()));
    FAIL() << "65536 online nodes accepted";
  } catch (const parse_error& e) {
    EXPECT_NE(std::string(e.what()).find("/sys/devices/system/node/online"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at most 1024"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

// The most the kernel allows, with two directories: one line for the missing
// ones, and quickly.
TEST(HostileExtra, AThousandOnlineNodesWithTwoDirectoriesIsOneProblemQuickly) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  std::filesystem::remove(t.path() / "sys/devices/system/node/online");
  t.write("/sys/devices/system/node/online", "0-1023\n");
  const auto t0 = std::chrono::steady_clock::now();
  const auto h = read_host(host_root(t.path()));
  const auto problems = check_numa(h.numa, h.cpus);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  std::size_t no_dir = 0;
  for (const auto& p : problems) no_dir += p.find("have no directory") != std::string::npos;
  EXPECT_EQ(no_dir, 1u);
  bool named = false;
  for (const auto& p : problems) named |= p.find("node(s) 2-1023 are online but have no directory") != std::string::npos;
  EXPECT_TRUE(named) << ::testing::PrintToString(problems);
}

// Issue 12: a FIFO in a fixture tree hung `xdpkit topology --root` in open().
// Now it is refused at once, and try_read() does not mistake it for a value
// the kernel does not report (both are EINVAL).
TEST(HostileExtra, AFifoOrADirectoryWhereAFileShouldBeIsRefusedAtOnce) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  const auto cmdline = t.path() / "proc/cmdline";
  std::filesystem::remove(cmdline);
  ASSERT_EQ(::mkfifo(cmdline.c_str(), 0600), 0);
  std::filesystem::remove(t.path() / "sys/devices/system/node/online");
  std::filesystem::create_directories(t.path() / "sys/devices/system/node/online");
  const host_root root(t.path());
  const auto t0 = std::chrono::steady_clock::now();
  for (const char* p : {"/proc/cmdline", "/sys/devices/system/node/online"}) {
    try {
      (void)root.try_read(p);
      ADD_FAILURE() << p << " read as a value or as absent";
    } catch (const os_error& e) {
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
      EXPECT_NE(e.hint().find("is --root right?"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read_host(root), os_error);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

// Issue 12: one odd entry in /sys/class/net failed the whole topology. It is
// skipped and said; every other interface is still read.
TEST(HostileExtra, AnOddNetworkEntryIsSkippedAndNamedNotFatal) {
  temp_tree t;
  t.copy_fixture("two-socket-ht");
  const std::size_t before = read_host(host_root(t.path())).nics.size();
  t.write("/sys/class/net/odd0/ifindex", "not a number\n");
  t.write("/sys/class/net/a:b/ifindex", "7\n");
  const auto h = read_host(host_root(t.path()));
  EXPECT_EQ(h.nics.size(), before);
  ASSERT_EQ(h.skipped_interfaces.size(), 2u) << ::testing::PrintToString(h.skipped_interfaces);
  EXPECT_NE(h.skipped_interfaces[0].find("'a:b': "), std::string::npos) << h.skipped_interfaces[0];
  EXPECT_NE(h.skipped_interfaces[1].find("'odd0': "), std::string::npos) << h.skipped_interfaces[1];
  EXPECT_NE(h.skipped_interfaces[1].find("/sys/class/net/odd0/ifindex"), std::string::npos) << h.skipped_interfaces[1];
  EXPECT_EQ(topology_json(h, 0)["skipped_interfaces"].size(), 2u);
}

}  // namespace
}  // namespace xdpkit::topology
