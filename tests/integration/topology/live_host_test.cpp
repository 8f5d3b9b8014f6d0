// SPDX-License-Identifier: Apache-2.0
// topology/ on the live host. Matrix:
//   Cpus/Numa      read_cpus/read_numa == `lscpu -p` and `numactl -H`
//   Procfs         /proc/self/stat, status, numa_maps, softnet_stat, interrupts parse live
//   Hugepages      reserve 2 x 2 MiB on node 0 -> sysfs shows it -> a MAP_HUGETLB
//                  mapping lands there per numa_maps -> restored afterwards
//   Sysctl         net.core.busy_read changed and restored
//   Host           read_host + validate_host run on this machine
//   Capture        tools/capture-fixture.sh copies every file read_host needs:
//                  the captured tree reads back as the live host
// Anything these tests change is also restored by the fixture's TearDown, so a
// failed assertion cannot leave huge pages reserved.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "xdpkit/topology/cpus.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/meminfo.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/hugepages.hpp"
#include "xdpkit/topology/interrupts.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/topology/numa.hpp"
#include "xdpkit/topology/numa_maps.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/topology/softnet.hpp"
#include "xdpkit/topology/sysctl.hpp"
#include "xdpkit/topology/validator.hpp"

namespace xdpkit::topology {
namespace {

const host_root live("/");

// stdout of a command, std::nullopt when it cannot run (tool not installed).
std::optional<std::string> capture(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen((cmd + " 2>/dev/null").c_str(), "r"), ::pclose);
  if (!p) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  int status = ::pclose(p.release());
  if (status != 0) return std::nullopt;
  return out;
}

TEST(Cpus, AgreeWithLscpu) {
  auto out = capture("lscpu -p=CPU,Core,Socket,Node");
  if (!out) GTEST_SKIP() << "lscpu (util-linux) is not installed";
  auto cpus = read_cpus(live);
  std::map<unsigned, std::array<long, 3>> rows;  // cpu -> core, socket, node
  std::istringstream in(*out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::array<long, 4> v{-1, -1, -1, -1};
    std::istringstream f(line);
    std::string cell;
    for (int i = 0; i < 4 && std::getline(f, cell, ','); ++i) v[i] = cell.empty() ? -1 : std::stol(cell);
    rows[static_cast<unsigned>(v[0])] = {v[1], v[2], v[3]};
  }
  ASSERT_EQ(rows.size(), cpus.online.count());
  for (const auto& [cpu, r] : rows) {
    ASSERT_TRUE(cpus.online.contains(cpu)) << cpu;
    const cpu_info* c = cpus.find(cpu);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->node, r[2]) << "CPU " << cpu;
    // lscpu numbers cores and sockets logically; compare the groupings.
    for (const auto& [other, o] : rows) {
      EXPECT_EQ(o[0] == r[0], c->thread_siblings.contains(other)) << "CPUs " << cpu << "," << other << " core";
      EXPECT_EQ(o[1] == r[1], cpus.find(other)->package_id == c->package_id) << "CPUs " << cpu << "," << other;
    }
  }
}

TEST(Numa, AgreesWithNumactl) {
  auto out = capture("numactl -H");
  if (!out) GTEST_SKIP() << "numactl is not installed";
  auto cpus = read_cpus(live);
  auto numa = read_numa(live, cpus);
  EXPECT_TRUE(check_numa(numa, cpus).empty());
  std::istringstream in(*out);
  std::vector<unsigned> dist_cols;
  bool in_distances = false;
  unsigned nodes_seen = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string w;
    f >> w;
    if (w == "available:") {
      unsigned n;
      f >> n;
      EXPECT_EQ(n, numa.online.count());
    } else if (w == "node" && line.find(" cpus:") != std::string::npos) {
      unsigned id;
      std::string cpus_word;
      f >> id >> cpus_word;
      cpu_set listed;
      for (unsigned c; f >> c;) listed.add(c);
      const numa_node* n = numa.find(id);
      ASSERT_NE(n, nullptr) << "numactl shows node " << id;
      EXPECT_EQ(listed, n->cpus) << "node " << id;
      ++nodes_seen;
    } else if (w == "node" && line.find("distances") != std::string::npos) {
      in_distances = true;
    } else if (in_distances && w == "node") {
      for (unsigned c; f >> c;) dist_cols.push_back(c);
    } else if (in_distances && !w.empty() && w.back() == ':') {
      unsigned from = static_cast<unsigned>(std::stoul(w.substr(0, w.size() - 1)));
      std::size_t i = 0;
      for (int d; f >> d; ++i) {
        ASSERT_LT(i, dist_cols.size());
        EXPECT_EQ(numa.distance(from, dist_cols[i]), d) << from << "->" << dist_cols[i];
      }
      EXPECT_EQ(i, dist_cols.size());
    }
  }
  EXPECT_EQ(nodes_seen, numa.online.count());
}

TEST(Procfs, LiveTextParses) {
  auto st = read_pid_stat(live, static_cast<int>(::getpid()));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, ::getpid());
  EXPECT_EQ(st->comm, std::string("topology_integr"));  // TASK_COMM_LEN cuts at 15
  EXPECT_EQ(st->ppid, ::getppid());
  auto self = read_self_status(live);
  EXPECT_EQ(self.pid(), ::getpid());
  auto cpus = read_cpus(live);
  EXPECT_TRUE(self.cpus_allowed()->is_subset_of(cpus.online | cpus.offline));
  auto softnet = read_softnet_stat(live);
  EXPECT_EQ(softnet.size(), cpus.online.count());
  auto irqs = read_interrupts(live);
  cpu_set cols;
  for (unsigned c : irqs.cpus) cols.add(c);
  EXPECT_EQ(cols, cpus.online);
  auto maps = read_numa_maps(live);
  EXPECT_FALSE(maps.empty());
  EXPECT_FALSE(read_meminfo(live).values.empty());
  EXPECT_FALSE(read_buddyinfo(live).empty());
}

class LiveHost : public ::testing::Test {
 protected:
  static constexpr const char* node0_2m = "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages";
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: writes nr_hugepages and sysctls";
    saved_pages_ = live.read(node0_2m);
    saved_busy_read_ = read_sysctl(live, "net.core.busy_read").value_or("");
  }
  void TearDown() override {
    // Belt and braces: the owners restore; this catches a bug in them.
    if (!saved_pages_.empty()) {
      if (live.read(node0_2m) != saved_pages_) {
        ADD_FAILURE() << "nr_hugepages on node 0 was not restored by the owner";
        live.write(node0_2m, saved_pages_);
      }
    }
    if (!saved_busy_read_.empty() && read_sysctl(live, "net.core.busy_read") != saved_busy_read_) {
      ADD_FAILURE() << "net.core.busy_read was not restored by the owner";
      live.write(sysctl_path("net.core.busy_read"), saved_busy_read_);
    }
  }
  std::string saved_pages_;
  std::string saved_busy_read_;
};

std::uint64_t node0_pages(const char* what) {
  auto pools = read_hugepage_pools(live);
  auto p = find_pool(pools, 0, 2048);
  if (!p) return ~0ull;
  return std::string(what) == "total" ? p->total : p->free;
}

TEST_F(LiveHost, HugePageReservationOnNode0IsVisibleAndRestored) {
  const std::uint64_t before = node0_pages("total");
  ASSERT_NE(before, ~0ull) << "no 2 MiB pool on node 0";
  {
    auto r = hugepage_reservation::reserve(live, 0, 2048, 2);
    EXPECT_EQ(r.old_total(), before);
    EXPECT_EQ(r.new_total(), before + 2);
    EXPECT_EQ(node0_pages("total"), before + 2);
    EXPECT_GE(node0_pages("free"), 2u);

    // A huge page mapped and touched now comes from that pool; numa_maps says so.
    const std::size_t len = 2u << 20;
    void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
    ASSERT_NE(p, MAP_FAILED) << "mmap MAP_HUGETLB: " << std::strerror(errno);
    static_cast<volatile char*>(p)[0] = 1;
    auto maps = read_numa_maps(live);
    const numa_maps_entry* m = find_mapping(maps, reinterpret_cast<std::uintptr_t>(p));
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(m->huge);
    EXPECT_EQ(m->kernel_page_size_kb, 2048u);
    EXPECT_EQ(m->bytes_on_node(0), len);
    ::munmap(p, len);
  }
  EXPECT_EQ(node0_pages("total"), before);
}

TEST_F(LiveHost, SysctlChangeRestores) {
  {
    auto c = sysctl_change::apply(live, "net.core.busy_read", saved_busy_read_ == "7" ? "8" : "7");
    EXPECT_EQ(c.record().old_value, saved_busy_read_);
    EXPECT_EQ(read_sysctl(live, "net.core.busy_read"), c.record().new_value);
  }
  EXPECT_EQ(read_sysctl(live, "net.core.busy_read"), saved_busy_read_);
}

TEST(Host, SnapshotAndValidatorRunHere) {
  auto h = read_host(live);
  EXPECT_FALSE(h.cpus.online.empty());
  EXPECT_TRUE(h.numa_problems.empty());
  for (const auto& n : h.nics)
    if (n.pci) {
      EXPECT_FALSE(n.pci->local_cpus.empty()) << n.name;
    }
  auto r = validate_host(live, h, {});
  EXPECT_GE(r.checks.size(), 13u);
  for (const auto& c : r.checks) EXPECT_FALSE(c.evidence.empty()) << c.id;
}

TEST(Capture, CapturedTreeReadsAsTheLiveHost) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: some /proc/irq files are root-only";
  char tmpl[] = "/tmp/xdpkit-capture-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = std::string(tmpl) + "/fx";
  auto out = capture(std::string("bash ") + XDPKIT_CAPTURE_SCRIPT + " " + dir + " --describe test");
  auto live_json = topology_json(read_host(live));
  std::optional<nlohmann::json> captured_json;
  if (out) captured_json = topology_json(read_host(host_root(dir + "/root")));
  std::filesystem::remove_all(tmpl);
  ASSERT_TRUE(out) << "capture-fixture.sh failed";
  // Free memory moves between the two reads (and MemTotal on a ballooned VM).
  for (auto* j : {&live_json, &*captured_json})
    for (auto& n : (*j)["numa"]["nodes"]) {
      n.erase("mem_free_kb");
      n.erase("mem_total_kb");
    }
  EXPECT_EQ(live_json, *captured_json) << nlohmann::json::diff(live_json, *captured_json).dump(2);
}

}  // namespace
}  // namespace xdpkit::topology
