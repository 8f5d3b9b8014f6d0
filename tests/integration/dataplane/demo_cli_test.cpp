// SPDX-License-Identifier: Apache-2.0
// The demo as a user runs it: the xdpkit binary, a real lab, real signals.
// It must print rising counters and leave no namespace behind — after a normal
// end, after Ctrl-C, and (on the next start) after being killed outright.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <exception>
#include <thread>
#include <cstdio>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_child.hpp"
#include "lab_fixture.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"

extern char** environ;

namespace xdpkit::testing {
namespace {

using cli_child = xdpkit::testing::cli_child;

std::vector<std::string> demo_namespaces_of(pid_t pid) {
  std::vector<std::string> out;
  const std::string prefix = "xkdemo" + std::to_string(pid);
  for (const auto& n : lab::list_netns())
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  return out;
}

std::string nr_hugepages() {
  std::ifstream f("/proc/sys/vm/nr_hugepages");
  std::string v;
  f >> v;
  return v;
}

// The demo picks its generator as the fixture does (XDPKIT_LAB_GENERATOR,
// inherited by the child), so each CTest run of the binary drives one backend.
class DemoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    require_root();
    if (IsSkipped()) return;
    require_generator(generator_);
  }
  lab::generator_kind generator_ = lab::generator_kind::af_packet;
};

TEST_F(DemoCli, RunsPrintsRisingCountersAndRemovesItsLab) {
  const std::string pool_before = nr_hugepages();
  cli_child demo({"demo", "--duration", "3", "--json"});
  std::vector<nlohmann::json> intervals;
  std::optional<nlohmann::json> start, summary;
  while (auto l = demo.line(std::chrono::seconds(60))) {
    if (l->empty() || (*l)[0] != '{') continue;
    auto j = nlohmann::json::parse(*l);
    if (j["type"] == "start") start = j;
    if (j["type"] == "interval") intervals.push_back(j);
    if (j["type"] == "summary") summary = j;
  }
  const pid_t pid = demo.pid();
  ASSERT_EQ(demo.wait_exit(), 0) << demo.output();
  ASSERT_TRUE(start) << demo.output();
  EXPECT_EQ((*start)["generator"]["kind"], lab::to_string(generator_)) << "the start line names the generator";
  ASSERT_GE(intervals.size(), 2u) << demo.output();
  for (const auto& i : intervals) EXPECT_GT(i["sent_pps"].get<double>(), 0) << "each second says what was sent";
  EXPECT_GT(intervals.back()["rx_packets"].get<std::uint64_t>(), intervals.front()["rx_packets"].get<std::uint64_t>())
      << "counters must rise while traffic flows";
  // Rates are per interval: one cut to a sliver as the generator finishes
  // showed ~50 Mpps sent (its counter moves a BPF_PROG_RUN call at a time).
  for (std::size_t k = 1; k < intervals.size(); ++k)
    EXPECT_GE(intervals[k]["t"].get<double>() - intervals[k - 1]["t"].get<double>(), 0.25)
        << "interval " << k << " is a sliver: " << intervals[k].dump();
  ASSERT_TRUE(summary) << demo.output();
  EXPECT_EQ((*summary)["generator"]["kind"], lab::to_string(generator_));
  EXPECT_EQ((*summary)["generator"]["sent"], (*summary)["sent"]);
  EXPECT_GT((*summary)["rx_packets"].get<std::uint64_t>(), 0u);
  EXPECT_EQ((*summary)["xdp"]["rx"], (*summary)["xdp"]["redirected"]) << summary->dump();
  EXPECT_TRUE(demo_namespaces_of(pid).empty());
  EXPECT_EQ(nr_hugepages(), pool_before);
}

TEST_F(DemoCli, CtrlCStillRemovesEverything) {
  cli_child demo({"demo", "--duration", "60"});
  ASSERT_TRUE(demo.wait_for("t=", std::chrono::seconds(60))) << demo.output();
  const pid_t pid = demo.pid();
  EXPECT_FALSE(demo_namespaces_of(pid).empty()) << "the lab should exist while the demo runs";
  kill(pid, SIGINT);
  EXPECT_EQ(demo.wait_exit(), 0) << demo.output();
  EXPECT_NE(demo.output().find("summary"), std::string::npos) << demo.output();
  EXPECT_TRUE(demo_namespaces_of(pid).empty());
}

TEST_F(DemoCli, TheNextStartRemovesWhatAKilledDemoLeft) {
  const std::string pool_before = nr_hugepages();
  pid_t killed_pid;
  {
    cli_child demo({"demo", "--duration", "60"});
    ASSERT_TRUE(demo.wait_for("t=", std::chrono::seconds(60))) << demo.output();
    killed_pid = demo.pid();
    kill(killed_pid, SIGKILL);  // no chance to clean up
    demo.wait_exit();
  }
  ASSERT_FALSE(demo_namespaces_of(killed_pid).empty()) << "SIGKILL should have left the lab behind";
  cli_child next({"demo", "--duration", "1"});
  const pid_t next_pid = next.pid();
  EXPECT_EQ(next.wait_exit(), 0) << next.output();
  EXPECT_NE(next.output().find("removed a stale lab namespace"), std::string::npos) << next.output();
  EXPECT_TRUE(demo_namespaces_of(killed_pid).empty());
  EXPECT_TRUE(demo_namespaces_of(next_pid).empty());
  EXPECT_EQ(nr_hugepages(), pool_before) << "the huge pages the killed demo reserved must be back";
}

// `xdpkit run` as an operator runs it inside a namespace: N paced packets in,
// the JSON summary says N at the program and at the worker.
class RunCli : public LabTest {};

TEST_F(RunCli, CountsWhatItReceivesAndSaysHowItAttached) {
  constexpr std::uint64_t n = 3000;
  cli_child run({"run", "--iface", lab_->dut_if(), "--duration", "4", "--json", "--wait", "poll", "--pages", "normal"},
            {"ip", "netns", "exec", lab_->dut_ns()});
  std::optional<nlohmann::json> start;
  while (auto l = run.line(std::chrono::seconds(10))) {
    if (!l->empty() && (*l)[0] == '{') {
      start = nlohmann::json::parse(*l);
      break;
    }
  }
  ASSERT_TRUE(start) << run.output();
  EXPECT_EQ((*start)["type"], "start");
  EXPECT_EQ((*start)["xdp_mode"], "native");
  EXPECT_EQ((*start)["interface"], lab_->dut_if());
  EXPECT_FALSE((*start)["cpus"].empty()) << "the planner must have pinned the worker";
  EXPECT_FALSE((*start)["umem_bytes_per_node"].empty()) << "UMEM placement read back from numa_maps";
  // The engine under test lives in another process: the fixture's generator
  // sends without waiting on its counters; the summary must count all of it.
  std::optional<nlohmann::json> summary;
  // What the sender throws reaches this thread (and fails the test with its message).
  std::exception_ptr send_error;
  std::thread sender([&] {
    try {
      send_unpaced(n, 200);
    } catch (...) {
      send_error = std::current_exception();
    }
  });
  while (auto l = run.line(std::chrono::seconds(20))) {
    if (l->empty() || (*l)[0] != '{') continue;
    auto j = nlohmann::json::parse(*l);
    if (j["type"] == "summary") summary = j;
  }
  sender.join();
  if (send_error) std::rethrow_exception(send_error);
  EXPECT_EQ(run.wait_exit(), 0) << run.output();
  ASSERT_TRUE(summary) << run.output();
  EXPECT_EQ((*summary)["xdp"]["rx"], n) << summary->dump();
  EXPECT_EQ((*summary)["xdp"]["redirected"], n) << summary->dump();
  EXPECT_EQ((*summary)["rx_packets"], n) << summary->dump();
}

// `--queue all` on a veth of two queues: both bound, a worker each on the
// CPUs given, and what the lab sends from each CPU (veth puts a sender's
// packets on the rx queue of its CPU) counted on both, N of N in total.
TEST_F(RunCli, QueueAllBindsEveryRxQueueAndCountsNOfN) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs 2 CPUs to feed two rx queues";
  if (generator_ == lab::generator_kind::tc_clone)
    GTEST_SKIP() << "tc-clone's clones share one queue mapping: the spread over queues needs af-packet or live";
  lab_.reset();
  lab::veth_lab_options o;
  o.prefix = "xktestq";
  o.queues = 2;
  lab_.emplace(lab::veth_lab::create(o));
  cli_child run({"run", "--iface", lab_->dut_if(), "--queue", "all", "--cpu", "0", "--cpu", "1", "--duration", "4",
                 "--json", "--wait", "poll", "--pages", "normal"},
                {"ip", "netns", "exec", lab_->dut_ns()});
  std::optional<nlohmann::json> start, summary;
  while (auto l = run.line(std::chrono::seconds(10)))
    if (!l->empty() && (*l)[0] == '{') {
      start = nlohmann::json::parse(*l);
      break;
    }
  ASSERT_TRUE(start && (*start)["type"] == "start") << run.output();
  EXPECT_EQ((*start)["queues"], nlohmann::json::array({0, 1}));
  constexpr std::uint64_t per_cpu = 2000;
  for (int cpu : {0, 1}) {
    cpu_set_t one, saved;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pthread_getaffinity_np(pthread_self(), sizeof saved, &saved);
    pthread_setaffinity_np(pthread_self(), sizeof one, &one);
    send_unpaced(per_cpu, 100);
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
  }
  while (auto l = run.line(std::chrono::seconds(20))) {
    if (l->empty() || (*l)[0] != '{') continue;
    auto j = nlohmann::json::parse(*l);
    if (j["type"] == "summary") summary = j;
  }
  EXPECT_EQ(run.wait_exit(), 0) << run.output();
  ASSERT_TRUE(summary) << run.output();
  EXPECT_EQ((*summary)["rx_packets"], 2 * per_cpu) << summary->dump();
  ASSERT_EQ((*summary)["queues"].size(), 2u) << summary->dump();
  for (const auto& q : (*summary)["queues"])
    EXPECT_GT(q["rx_packets"].get<std::uint64_t>(), 0u) << "queue " << q["queue"] << " got nothing: " << summary->dump();
}

// Issue 12: a rules file that could not be read (a directory, /proc/self/mem,
// a FIFO) attached a firewall of 0 rules and default pass, exit 0. It must
// fail, name the file, and leave the interface without a program.
TEST_F(RunCli, ARuleSourceThatCannotBeReadWholeAttachesNothing) {
  const std::string dir = ::testing::TempDir() + "xk-rules-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  const std::string fifo = dir + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& bad : {dir, fifo, std::string("/proc/self/mem"), std::string("/dev/zero")}) {
    cli_child run({"run", "--iface", lab_->dut_if(), "--duration", "2", "--pages", "normal", "--rules", bad},
              {"ip", "netns", "exec", lab_->dut_ns()});
    while (run.line(std::chrono::seconds(10))) {
    }
    EXPECT_NE(run.wait_exit(), 0) << bad << ": " << run.output();
    EXPECT_NE(run.output().find(bad), std::string::npos) << run.output();  // CLI11 refuses a directory itself
    const std::string link = lab::run_checked({"ip", "-n", lab_->dut_ns(), "link", "show", "dev", lab_->dut_if()});
    EXPECT_EQ(link.find("xdp"), std::string::npos) << bad << " left a program attached: " << link;
  }
  std::filesystem::remove_all(dir);
}

TEST_F(RunCli, ARuleWithALineBreakIsRefusedNotSplit) {
  cli_child run({"run", "--iface", lab_->dut_if(), "--duration", "2", "--pages", "normal", "--rule",
             "drop proto udp\npass dst 10.0.0.0/8"},
            {"ip", "netns", "exec", lab_->dut_ns()});
  while (run.line(std::chrono::seconds(10))) {
  }
  EXPECT_EQ(run.wait_exit(), 2) << run.output();
  EXPECT_NE(run.output().find("--rule 1 holds a line break"), std::string::npos) << run.output();
}

// Issue 12: the interface deleted under a running `run` left it printing
// 0 pps until its end, exit 0. It must stop at once, name the interface,
// exit 1 and leave nothing: no program (it went with the device), no socket,
// no process.
TEST_F(RunCli, AnInterfaceDeletedWhileRunningStopsItWithAnError) {
  cli_child run({"run", "--iface", lab_->dut_if(), "--duration", "60", "--json", "--wait", "poll", "--pages", "normal"},
                {"ip", "netns", "exec", lab_->dut_ns()});
  ASSERT_TRUE(run.wait_for("\"type\":\"start\"", std::chrono::seconds(30))) << run.output();
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(lab::run_command({"ip", "-n", lab_->dut_ns(), "link", "del", lab_->dut_if()}).status, 0);
  std::optional<nlohmann::json> error;
  while (auto l = run.line(std::chrono::seconds(10))) {
    if (l->empty() || (*l)[0] != '{') continue;
    auto j = nlohmann::json::parse(*l);
    if (j["type"] == "error") error = j;
  }
  EXPECT_EQ(run.wait_exit(), 1) << run.output();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << "it must notice within a second or so";
  ASSERT_TRUE(error) << run.output();
  EXPECT_EQ((*error)["interface"], lab_->dut_if());
  EXPECT_NE(run.output().find("xdpkit run: stopped after"), std::string::npos) << run.output();
  EXPECT_NE(run.output().find(lab_->dut_if() + " (ifindex"), std::string::npos) << run.output();
}

TEST_F(DemoCli, InlineRulesReplaceTheDemosOwn) {
  cli_child demo({"demo", "--duration", "1", "--json", "--rule", "drop proto udp", "--rule", "default pass"});
  std::optional<nlohmann::json> summary;
  while (auto l = demo.line(std::chrono::seconds(60))) {
    if (l->empty() || (*l)[0] != '{') continue;
    auto j = nlohmann::json::parse(*l);
    if (j["type"] == "summary") summary = j;
  }
  ASSERT_EQ(demo.wait_exit(), 0) << demo.output();
  ASSERT_TRUE(summary) << demo.output();
  const auto& fw = (*summary)["firewall"];
  ASSERT_FALSE(fw.is_null()) << summary->dump();
  EXPECT_GT(fw["rx"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(fw["drop"], fw["rx"]) << "every lab packet is UDP: all dropped by the inline rule";
  EXPECT_EQ(fw["reasons"]["rule"], fw["rx"]);
  EXPECT_EQ((*summary)["rx_packets"], 0u) << "nothing reaches the worker";
}

// `run` and `topology` plan with the one planner: on a host whose isolcpus=
// has no `domain` flag (so sysfs "isolated" is empty), run once planned from
// sysfs alone and put its workers elsewhere than `topology` said.
TEST(RunPlan, IsThePlanTopologyPrints) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("xdpkit-plan-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::copy(fs::path(XDPKIT_FIXTURES_DIR) / "two-socket-ht/root", root,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  {
    std::ofstream(root / "proc/cmdline") << "ro quiet isolcpus=managed_irq,5-7,13-15 nohz_full=5-7,13-15\n";
    std::ofstream(root / "sys/devices/system/cpu/isolated") << "\n";
  }
  cli_child topo({"topology", "--root", root.string(), "--workers", "3", "--json"});
  ASSERT_EQ(topo.wait_exit(), 0) << topo.output();
  std::vector<unsigned> planned;
  const auto topology = nlohmann::json::parse(topo.output());
  for (const auto& n : topology["nics"])
    if (n["name"] == "eth2") planned = n["plan"]["workers"].get<std::vector<unsigned>>();
  ASSERT_EQ(planned.size(), 3u) << topo.output();
  // The interface exists only in the tree, so the run stops at the start, after its plan.
  cli_child run({"run", "--iface", "eth2", "--queue", "0", "--queue", "1", "--queue", "2", "--root", root.string()});
  EXPECT_EQ(run.wait_exit(), 1) << run.output();
  std::vector<unsigned> ran;
  std::istringstream out(run.output());
  for (std::string line; std::getline(out, line);) {
    unsigned w, cpu;
    if (std::sscanf(line.c_str(), "  cpu plan: worker %u on CPU %u", &w, &cpu) == 2) ran.push_back(cpu);
  }
  EXPECT_EQ(ran, planned) << run.output();
  fs::remove_all(root);
}

TEST_F(DemoCli, HelpTeaches) {
  cli_child help({"demo", "--help"});
  EXPECT_EQ(help.wait_exit(), 0);
  EXPECT_NE(help.output().find("--handler"), std::string::npos);
  EXPECT_NE(help.output().find("Ctrl-C"), std::string::npos);
}

}  // namespace
}  // namespace xdpkit::testing
