// SPDX-License-Identifier: Apache-2.0
// The /proc parsers over literal text as the kernel prints it.
#include <gtest/gtest.h>

#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/interrupts.hpp"
#include "xdpkit/topology/meminfo.hpp"
#include "xdpkit/topology/numa_maps.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/topology/softnet.hpp"

namespace xdpkit::topology {
namespace {

const char* stat_line =
    "4242 (xdpkit) R 1 4242 4242 34816 4242 4194304 1000 0 0 0 250 13 0 0 -51 0 3 0 777 123456789 2048 "
    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 50 1 0 0 0\n";

TEST(PidStat, ParsesTheFieldsWeUse) {
  auto s = parse_pid_stat(stat_line);
  EXPECT_EQ(s.pid, 4242);
  EXPECT_EQ(s.comm, "xdpkit");
  EXPECT_EQ(s.state, 'R');
  EXPECT_EQ(s.ppid, 1);
  EXPECT_EQ(s.utime, 250u);
  EXPECT_EQ(s.stime, 13u);
  EXPECT_EQ(s.priority, -51);
  EXPECT_EQ(s.num_threads, 3);
  EXPECT_EQ(s.starttime, 777u);
  EXPECT_EQ(s.rss_pages, 2048);
  EXPECT_EQ(s.processor, 1);
  EXPECT_EQ(s.rt_priority, 50u);
  EXPECT_EQ(s.policy, 1u);  // SCHED_FIFO
}

TEST(PidStat, CommWithParenthesesSpacesAndNewline) {
  auto s = parse_pid_stat("77 (a) b (c) S 1 77 77 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0\n");
  EXPECT_EQ(s.comm, "a) b (c");
  EXPECT_EQ(s.state, 'S');
  EXPECT_EQ(s.utime, 1u);
  auto n = parse_pid_stat("78 (evil\n) R 2) S 1 77 77 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0");
  EXPECT_EQ(n.comm, "evil\n) R 2");
  EXPECT_EQ(n.ppid, 1);
  EXPECT_FALSE(n.processor.has_value());  // old kernel: no field 39
}

TEST(PidStat, RejectsTruncatedAndGarbage) {
  EXPECT_THROW(parse_pid_stat("", "x"), parse_error);
  EXPECT_THROW(parse_pid_stat("12 (bash", "x"), parse_error);
  EXPECT_THROW(parse_pid_stat("12 bash) S 1", "x"), parse_error);
  EXPECT_THROW(parse_pid_stat("12 (bash) S 1 2 3", "x"), parse_error);        // truncated
  EXPECT_THROW(parse_pid_stat("x (bash) S 1 77 77 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0", "x"), parse_error);
  EXPECT_THROW(parse_pid_stat("12 (bash) SS 1 77 77 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0", "x"), parse_error);
  EXPECT_THROW(parse_pid_stat("12 (bash) S 1 77 77 0 -1 0 0 zz 0 0 1 2 0 0 20 0 1 0 5 0 0", "x"), parse_error);
  EXPECT_THROW(parse_pid_stat(") 12 (", "x"), parse_error);
}

TEST(PidStatus, FieldsAndTypedAccessors) {
  auto s = parse_pid_status(
      "Name:\tmy\\nproc\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t99\nPid:\t99\nPPid:\t1\n"
      "VmRSS:\t    5120 kB\nThreads:\t4\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0\n"
      "voluntary_ctxt_switches:\t10\n");
  EXPECT_EQ(s.name(), "my\\nproc");
  EXPECT_EQ(s.pid(), 99);
  EXPECT_EQ(s.ppid(), 1);
  EXPECT_EQ(s.kb("VmRSS"), 5120u);
  EXPECT_EQ(s.number("Threads"), 4u);
  EXPECT_EQ(s.cpus_allowed()->to_list(), "0-3");
  EXPECT_EQ(s.mems_allowed()->to_list(), "0");
  EXPECT_EQ(s.get("State"), "S (sleeping)");
  EXPECT_FALSE(s.kb("VmSwap").has_value());
  EXPECT_THROW(s.kb("Threads"), parse_error);  // not a kB value
  EXPECT_THROW(parse_pid_status("no colons here\n"), parse_error);
}

TEST(NumaMaps, ParsesPagesPerNodeAndHuge) {
  auto maps = parse_numa_maps(
      "55d0c0a00000 default file=/usr/bin/xdpkit mapped=10 N0=10 kernelpagesize_kB=4\n"
      "55d0c1000000 default heap anon=33 dirty=33 active=0 N0=30 N1=3 kernelpagesize_kB=4\n"
      "7f0000000000 bind:1 file=/anon_hugepage\\040(deleted) huge dirty=8 N1=8 kernelpagesize_kB=2048\n"
      "7ffd00000000 default stack anon=3 dirty=3 N0=3 kernelpagesize_kB=4\n");
  ASSERT_EQ(maps.size(), 4u);
  EXPECT_EQ(maps[0].file, "/usr/bin/xdpkit");
  EXPECT_TRUE(maps[1].heap);
  EXPECT_EQ(maps[1].pages(), 33u);
  EXPECT_EQ(maps[1].counters.at("anon"), 33u);
  const auto* umem = find_mapping(maps, 0x7f0000000000);
  ASSERT_NE(umem, nullptr);
  EXPECT_TRUE(umem->huge);
  EXPECT_EQ(umem->policy, "bind:1");
  EXPECT_EQ(umem->kernel_page_size_kb, 2048u);
  EXPECT_EQ(umem->bytes_on_node(1), 16u << 20);
  EXPECT_EQ(umem->bytes_on_node(0), 0u);
  EXPECT_TRUE(maps[3].stack);
  EXPECT_EQ(find_mapping(maps, 0x1234), nullptr);
}

TEST(NumaMaps, RejectsMalformedLines) {
  EXPECT_THROW(parse_numa_maps("zzzz default\n"), parse_error);
  EXPECT_THROW(parse_numa_maps("7f00\n"), parse_error);
  EXPECT_THROW(parse_numa_maps("7f00 default N0=x\n"), parse_error);
  EXPECT_THROW(parse_numa_maps("7f00 default N=1\n"), parse_error);
  EXPECT_THROW(parse_numa_maps("7f00 default N99999999=1\n"), parse_error);
  // Found by the fuzzer under _GLIBCXX_ASSERTIONS: "=6" read key[0] of an empty key.
  EXPECT_THROW(parse_numa_maps("7f00 default anon=3 =6\n"), parse_error);
  EXPECT_NO_THROW(parse_numa_maps("7f00 default futureflag N0=1\n\n"));
}

TEST(Softnet, ReadsCpuColumnAndCounters) {
  auto s = parse_softnet_stat(
      "00000018 00000002 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000004 00000005 00000006 "
      "00000000 00000000 00000000\n"
      "000002f9 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
      "00000002 00000000 00000000\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].processed, 0x18u);
  EXPECT_EQ(s[0].dropped, 2u);
  EXPECT_EQ(s[0].time_squeeze, 3u);
  EXPECT_EQ(s[0].received_rps, 4u);
  EXPECT_EQ(s[0].flow_limit_count, 5u);
  EXPECT_EQ(s[0].backlog_len, 6u);
  EXPECT_EQ(s[1].cpu, 2u);  // CPU 1 offline: the id column says so
  // Old kernels: 11 columns, the line number is the CPU.
  auto old = parse_softnet_stat("0000000a 00000000 00000001 0 0 0 0 0 0 0 0\n00000001 0 0 0 0 0 0 0 0 0 0\n");
  EXPECT_EQ(old[1].cpu, 1u);
  EXPECT_THROW(parse_softnet_stat("00000001 00000002\n"), parse_error);
  EXPECT_THROW(parse_softnet_stat("0000000g 0 0\n"), parse_error);
}

TEST(Meminfo, SystemAndNodeFormats) {
  auto m = parse_meminfo("MemTotal:        4418036 kB\nMemFree:  100 kB\nHugePages_Total:       0\nHugepagesize:    2048 kB\n");
  EXPECT_EQ(m.get("MemTotal"), 4418036u);
  EXPECT_EQ(m.get("HugePages_Total"), 0u);
  EXPECT_EQ(m.get("Hugepagesize"), 2048u);
  EXPECT_FALSE(m.node.has_value());
  auto n = parse_meminfo("Node 1 MemTotal:       33554432 kB\nNode 1 HugePages_Free:     64\n");
  EXPECT_EQ(n.node, 1);
  EXPECT_EQ(n.get("MemTotal"), 33554432u);
  EXPECT_EQ(n.get("HugePages_Free"), 64u);
  EXPECT_THROW(parse_meminfo("Node 0 MemTotal: 1 kB\nNode 1 MemFree: 1 kB\n"), parse_error);
  EXPECT_THROW(parse_meminfo("MemTotal 1 kB\n"), parse_error);
  EXPECT_THROW(parse_meminfo("MemTotal: x kB\n"), parse_error);
  EXPECT_THROW(parse_meminfo("MemTotal: 1 MB\n"), parse_error);
}

TEST(Buddyinfo, ParsesAndEstimatesHugePages) {
  auto z = parse_buddyinfo(
      "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n"
      "Node 0, zone   Normal    570    390    492    351    153     79     34     17      9     37    195 \n"
      "Node 1, zone   Normal      0      0      0      0      0      0      0      0      0      4      0 \n");
  ASSERT_EQ(z.size(), 3u);
  EXPECT_EQ(z[1].zone, "Normal");
  EXPECT_EQ(z[1].free_blocks.size(), 11u);
  // 2 MiB = order 9: node 0 has 1+3*2 (DMA) + 37+195*2 (Normal) = 7 + 427.
  EXPECT_EQ(hugepages_available(z, 0, 2048), 434u);
  EXPECT_EQ(hugepages_available(z, 1, 2048), 4u);
  EXPECT_EQ(hugepages_available(z, 1, 1048576), 0u);  // order 18 is above MAX_ORDER
  EXPECT_EQ(hugepages_available(z, 0, 3000), 0u);     // not a power-of-two multiple
  EXPECT_THROW(parse_buddyinfo("Node 0 zone Normal 1 2\n"), parse_error);
  EXPECT_THROW(parse_buddyinfo("Node x, zone Normal 1 2\n"), parse_error);
  EXPECT_THROW(parse_buddyinfo("Node 0, zone Normal 1 -2\n"), parse_error);
}

const char* interrupts_text =
    "           CPU0       CPU1       CPU3\n"
    "  0:         44          0          0  IR-IO-APIC    2-edge      timer\n"
    "  8:          0          1          0  IR-IO-APIC    8-edge      rtc0, i8042\n"
    " 38:          0        527          9  PCI-MSIX-0000:00:03.0   1-edge      virtio2-input.0\n"
    " 11:          5          6          7     GICv3  27 Level     arch_timer\n"
    " 99:          1          2          3  some-chip\n"
    "NMI:          0          0          0   Non-maskable interrupts\n"
    "ERR:          0\n"
    "MIS:          0\n";

TEST(Interrupts, ParsesNumberedAndNamedLines) {
  auto t = parse_interrupts(interrupts_text);
  EXPECT_EQ(t.cpus, (std::vector<unsigned>{0, 1, 3}));
  ASSERT_EQ(t.lines.size(), 8u);
  const irq_line* l = t.find(38u);
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->chip, "PCI-MSIX-0000:00:03.0");
  EXPECT_EQ(l->hwirq, "1");
  EXPECT_EQ(l->trigger, "edge");
  EXPECT_EQ(l->name, "virtio2-input.0");
  EXPECT_EQ(l->total(), 536u);
  EXPECT_EQ(t.count_on(*l, 3), 9u);
  EXPECT_EQ(t.count_on(*l, 2), 0u);  // offline: no column
  EXPECT_EQ(t.find(8u)->name, "rtc0, i8042");
  const irq_line* arm = t.find(11u);
  EXPECT_EQ(arm->chip, "GICv3");
  EXPECT_EQ(arm->hwirq, "27");
  EXPECT_EQ(arm->trigger, "Level");
  EXPECT_EQ(arm->name, "arch_timer");
  EXPECT_EQ(t.find(99u)->chip, "some-chip");
  EXPECT_EQ(t.find(99u)->name, "");
  EXPECT_EQ(t.find("NMI")->name, "Non-maskable interrupts");
  EXPECT_EQ(t.find("ERR")->per_cpu.size(), 1u);
  EXPECT_EQ(t.matching("virtio2").size(), 1u);
  EXPECT_EQ(t.matching("0000:00:03.0").size(), 1u);
}

TEST(Interrupts, RejectsBrokenTables) {
  EXPECT_THROW(parse_interrupts(""), parse_error);
  EXPECT_THROW(parse_interrupts("CPU0 CPUx\n"), parse_error);
  EXPECT_THROW(parse_interrupts("CPU0 CPU0\n"), parse_error);
  EXPECT_THROW(parse_interrupts("CPU0\n 1 2 3\n"), parse_error);        // no colon
  EXPECT_THROW(parse_interrupts("CPU0\n 1: 2 3 chip\n"), parse_error);  // more counts than CPUs
  EXPECT_THROW(parse_interrupts("CPU0\n : 2\n"), parse_error);          // empty id
}

}  // namespace
}  // namespace xdpkit::topology
