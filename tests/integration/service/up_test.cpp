// SPDX-License-Identifier: Apache-2.0
// `xdpkit up` end to end: reload, swap under traffic, kill -9 and the next
// start or `xdpkit clean`, the validator, metrics, the watchdog, diag.
#include "up_fixture.hpp"
#include "xdpkit/service/worker_cpuset.hpp"

namespace xdpkit::testing {
namespace {

TEST_F(UpTest, RunsReloadsKeepsTheOldRulesOnAnErrorAndGivesTheHostBack) {
  const std::string before = tuned_values();
  write("fw.rules", "drop proto udp dport 9\ndefault pass\n");
  write("xdpkit.toml", config());
  notify_listener notify(dir_ / "notify.sock");
  scoped_env env("NOTIFY_SOCKET", (dir_ / "notify.sock").string());
  cli_child up(up_args(), in_dut_ns());

  // [sysctl] first, before the interfaces: the validator sees them set.
  const auto sysctl = until(up, [](const json& j) { return type_is(j, "host") || type_is(j, "error"); });
  ASSERT_TRUE(sysctl && type_is(*sysctl, "host")) << up.output();
  ASSERT_EQ((*sysctl)["applied"].size(), 1u) << sysctl->dump();
  EXPECT_EQ((*sysctl)["applied"][0]["step"], "sysctl net.core.somaxconn");
  EXPECT_TRUE((*sysctl)["applied"][0]["changed"]) << sysctl->dump();
  const auto start = until(up, [](const json& j) { return type_is(j, "start") || type_is(j, "error"); });
  ASSERT_TRUE(start && type_is(*start, "start")) << up.output();
  EXPECT_EQ((*start)["program"], "firewall");
  EXPECT_FALSE((*start)["tuned"].empty()) << "rps and busy-poll knobs are changed at start: " << start->dump();
  EXPECT_GT((*start)["journal_entries"].get<int>(), 0);
  ASSERT_TRUE(notify.wait_for("READY=1", 10s)) << notify.all() << up.output();
  EXPECT_NE(tuned_values(), before) << "the tune is in force while up runs";
  // After setup the main thread keeps CAP_NET_ADMIN and CAP_BPF (for the
  // revert and the maps), the worker nothing; every later reload, scrape and
  // revert below runs with that.
  const auto caps = thread_capabilities(up.pid());
  ASSERT_GE(caps.size(), 2u) << "the main thread and a worker";
  EXPECT_EQ(caps.at(up.pid()), (1ull << CAP_NET_ADMIN) | (1ull << CAP_BPF));
  std::size_t without = 0;
  for (const auto& [tid, eff] : caps) without += eff == 0;
  EXPECT_EQ(without, 1u) << "one worker, with no capability";
  EXPECT_EQ(journals().size(), 2u) << "the interface's journal and the sysctls' while up runs";

  // The first set drops what the lab sends.
  const std::uint64_t n1 = 3000, n2 = 2000, n3 = 1000;
  send_unpaced(n1, 200);
  ASSERT_TRUE(until(up, [&](const json& j) { return type_is(j, "interval") && j["xdp"]["dropped"] == n1; }))
      << up.output();

  // A new rule file and SIGHUP: the same packets now reach the workers.
  write("fw.rules", "redirect-xsk proto udp dport 9\ndefault pass\n");
  kill(up.pid(), SIGHUP);
  const auto ok = until(up, [](const json& j) { return type_is(j, "reload"); });
  ASSERT_TRUE(ok) << up.output();
  EXPECT_TRUE((*ok)["ok"]) << ok->dump();
  EXPECT_EQ((*ok)["swapped"], json::array({lab_->dut_if()}));
  EXPECT_TRUE(notify.wait_for("RELOADING=1", 5s)) << notify.all();
  EXPECT_TRUE(notify.wait_for("READY=1", 5s)) << notify.all();
  send_unpaced(n2, 200);
  ASSERT_TRUE(until(up, [&](const json& j) { return type_is(j, "interval") && j["rx_packets"] == n2; })) << up.output();

  // A broken rule file and `xdpkit ctl reload` (systemd's ExecReload): it
  // returns when the reload is done, exit 1 with the error; the running set stays.
  write("fw.rules", "redirect-xsk proto udp dprt 9\n");
  {
    cli_child ctl({"ctl", "reload", "--run-dir", run_dir_.string()});
    EXPECT_EQ(ctl.wait_exit(), 1) << ctl.output();
    EXPECT_NE(ctl.output().find("fw.rules:1"), std::string::npos) << ctl.output();
  }
  const auto bad = until(up, [](const json& j) { return type_is(j, "reload"); });
  ASSERT_TRUE(bad) << up.output();
  EXPECT_FALSE((*bad)["ok"]);
  EXPECT_EQ((*bad)["by"], "ctl");
  EXPECT_NE((*bad)["error"].get<std::string>().find("fw.rules:1"), std::string::npos) << bad->dump();
  EXPECT_TRUE(notify.wait_for("last reload failed", 5s)) << notify.all();
  send_unpaced(n3, 200);
  ASSERT_TRUE(until(up, [&](const json& j) { return type_is(j, "interval") && j["rx_packets"] == n2 + n3; }))
      << up.output();

  {
    cli_child status({"ctl", "status", "--run-dir", run_dir_.string(), "--json"});
    EXPECT_EQ(status.wait_exit(), 0) << status.output();
    EXPECT_NE(status.output().find("\"failed\":1"), std::string::npos) << status.output();
  }

  kill(up.pid(), SIGTERM);
  const auto summary = until(up, [](const json& j) { return type_is(j, "summary"); });
  const auto stop = until(up, [](const json& j) { return type_is(j, "stop"); });
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
  ASSERT_TRUE(summary && stop) << up.output();
  EXPECT_EQ((*summary)["firewall"]["drop"], n1) << summary->dump();
  EXPECT_EQ((*summary)["rx_packets"], n2 + n3) << summary->dump();
  EXPECT_FALSE((*stop)["reverted"][lab_->dut_if()].empty()) << stop->dump();
  EXPECT_EQ((*stop)["reverted"]["host"].size(), 1u) << "the sysctl: " << stop->dump();
  EXPECT_TRUE((*stop)["failures"].empty()) << stop->dump();
  EXPECT_TRUE(notify.wait_for("STOPPING=1", 5s)) << notify.all();
  EXPECT_EQ(tuned_values(), before) << "every tuned value is back";
  EXPECT_TRUE(journals().empty()) << "no journal is left once everything is back";
  EXPECT_FALSE(fs::exists(run_dir_ / "control.sock")) << "the control socket goes with the service";
  EXPECT_FALSE(xdp_attached());
}

// Rule sets swapped again and again while the lab sends: every packet is
// counted by exactly one of the two sets (workers' rx for one, the firewall's
// drops for the other), none in neither.
TEST_F(UpTest, ASwapUnderTrafficLosesNoPacket) {
  const std::string to_workers = "redirect-xsk proto udp dport 9\n", dropped = "drop proto udp dport 9\n";
  write("fw.rules", to_workers);
  write("xdpkit.toml", config("", false));
  cli_child up(up_args(), in_dut_ns());
  ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
  const std::uint64_t n = 20000;
  std::exception_ptr send_error;
  std::atomic<bool> sending{true};
  std::thread sender([&] {
    try {
      send_unpaced(n, 100);
    } catch (...) {
      send_error = std::current_exception();
    }
    sending = false;
  });
  int swaps = 0;
  while (sending) {
    write("fw.rules", swaps % 2 ? to_workers : dropped);
    kill(up.pid(), SIGHUP);
    const auto r = until(up, [](const json& j) { return type_is(j, "reload"); });
    ASSERT_TRUE(r && (*r)["ok"]) << up.output();
    ++swaps;
    std::this_thread::sleep_for(50ms);
  }
  sender.join();
  if (send_error) std::rethrow_exception(send_error);
  EXPECT_GE(swaps, 2) << "the swaps happened while packets flowed";
  ASSERT_TRUE(until(up, [&](const json& j) {
    return type_is(j, "interval") && j["xdp"]["rx"] >= n;
  })) << up.output();
  kill(up.pid(), SIGTERM);
  const auto summary = until(up, [](const json& j) { return type_is(j, "summary"); });
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
  ASSERT_TRUE(summary) << up.output();
  const std::uint64_t workers = (*summary)["rx_packets"], drops = (*summary)["firewall"]["drop"];
  EXPECT_EQ(workers + drops, n) << summary->dump();
  EXPECT_EQ((*summary)["firewall"]["reasons"]["rule"], n) << summary->dump();
  EXPECT_GT(workers, 0u);
  EXPECT_GT(drops, 0u);
}

// kill -9: nothing runs the revert. The journal stays; the next `up` puts
// back what the dead one changed before it tunes again.
TEST_F(UpTest, TheNextUpPutsBackWhatAKilledOneChanged) {
  const std::string before = tuned_values();
  write("fw.rules", "default pass\n");
  write("xdpkit.toml", config());
  {
    cli_child up(up_args(), in_dut_ns());
    ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
    ASSERT_NE(tuned_values(), before);
    kill(up.pid(), SIGKILL);
    EXPECT_EQ(up.wait_exit(), 128 + SIGKILL);
  }
  EXPECT_EQ(journals().size(), 2u) << "the dead service's journals (interface, sysctls) stay";
  EXPECT_NE(tuned_values(), before) << "nothing has put the values back yet";
  EXPECT_FALSE(xdp_attached()) << "the program's link died with the process";

  write("xdpkit.toml", config("", false));  // the next start tunes nothing, but replays
  cli_child again(up_args(), in_dut_ns());
  const auto start = until(again, [](const json& j) { return type_is(j, "start") || type_is(j, "error"); });
  ASSERT_TRUE(start && type_is(*start, "start")) << again.output();
  EXPECT_FALSE((*start)["replayed"].empty()) << start->dump();
  EXPECT_EQ(tuned_values(), before) << "replayed before the new start";
  EXPECT_TRUE(journals().empty());
  kill(again.pid(), SIGTERM);
  EXPECT_EQ(again.wait_exit(), 0) << again.output();
}

// The validator's error stops the start after the tune ran: the tune is put
// back and the fix is printed.
TEST_F(UpTest, AValidatorErrorStopsTheStartAndRevertsTheTune) {
  // 4 GiB of huge pages per queue, more than this machine has free, and
  // reserve = false: the pools are the operator's, so the validator's
  // hugepages_free stops the start with the command that grows the pool.
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t free_pages = 0;
  while (meminfo >> key)
    if (key == "HugePages_Free:") meminfo >> free_pages;
  if (free_pages >= 2048) GTEST_SKIP() << free_pages << " free huge pages: the UMEM would fit";
  const std::string before = tuned_values();
  write("fw.rules", "default pass\n");
  std::string c = config();
  c.replace(c.find("pages = \"normal\""), 16, "pages = \"huge\"\nreserve = false");
  c.replace(c.find("wait = \"poll\""), 13, "wait = \"poll\"\nframes = 1048576");
  write("xdpkit.toml", c);
  cli_child up(up_args(), in_dut_ns());
  EXPECT_EQ(up.wait_exit(), 1) << up.output();
  EXPECT_NE(up.output().find("hugepages_free"), std::string::npos) << up.output();
  EXPECT_NE(up.output().find("fix: echo"), std::string::npos) << up.output();
  EXPECT_NE(up.output().find("nr_hugepages"), std::string::npos) << "the fix names the pool: " << up.output();
  EXPECT_EQ(tuned_values(), before);
  EXPECT_TRUE(journals().empty());
  EXPECT_FALSE(xdp_attached());
}

// The endpoint as Prometheus sees it: the text passes `promtool check
// metrics`, its counters count what was sent, and a real Prometheus server
// (Debian's, started here on the namespace's loopback) scrapes the same.
TEST_F(UpTest, MetricsCountWhatWasSentAndARealPrometheusScrapesThem) {
  constexpr int port = 9435, prom_port = 9090;
  write("fw.rules", "redirect-xsk proto udp dport 9\ndefault pass\n");
  // A DogStatsD agent's socket, in the namespace the service runs in.
  int agent = -1;
  {
    lab::netns_scope in(lab_->dut_ns());
    agent = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(8125);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(agent, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  }
  struct closer {
    int fd;
    ~closer() { close(fd); }
  } close_agent{agent};
  write("xdpkit.toml", "[metrics]\nprometheus_listen = \"127.0.0.1:" + std::to_string(port) +
                           "\"\ndogstatsd = \"udp://127.0.0.1:8125\"\n" + config("", false));
  cli_child up(up_args(), in_dut_ns());
  const auto ready = until(up, [](const json& j) { return type_is(j, "ready") || type_is(j, "error"); });
  ASSERT_TRUE(ready && type_is(*ready, "ready")) << up.output();
  EXPECT_EQ((*ready)["metrics"], "http://127.0.0.1:" + std::to_string(port) + "/metrics");
  const std::uint64_t n = 4000;
  send_unpaced(n, 200);
  const std::string q = "{interface=\"" + lab_->dut_if() + "\",queue=\"0\"}";
  std::string body;
  ASSERT_TRUE(wait_until(
      [&] {
        body = http_get(lab_->dut_ns(), port, "/metrics");
        return sample(body, "xdpkit_rx_packets_total" + q) == static_cast<double>(n);
      },
      10s))
      << body;
  EXPECT_EQ(sample(body, "xdpkit_firewall_packets_total{interface=\"" + lab_->dut_if() + "\",verdict=\"redirect\"}"),
            static_cast<double>(n))
      << body;
  EXPECT_EQ(sample(body, "xdpkit_firewall_rule_hits_total{interface=\"" + lab_->dut_if() + "\",rule=\"0\"}"),
            static_cast<double>(n))
      << body;
  EXPECT_EQ(sample(body, "xdpkit_build_info{version=\"0.1.0\"}"), 1) << body;

  // The agent's sum of the rx counter's pushes is what was sent, tagged with this boot.
  std::string boot_id;
  std::ifstream("/proc/sys/kernel/random/boot_id") >> boot_id;
  const std::string rx_tag = "|c|#interface:" + lab_->dut_if() + ",queue:0,boot_id:" + boot_id;
  std::uint64_t pushed = 0;
  std::string datagrams;
  EXPECT_TRUE(wait_until(
      [&] {
        char b[2048];
        for (ssize_t k; (k = recv(agent, b, sizeof(b), MSG_DONTWAIT)) > 0;) {
          std::string d(b, static_cast<std::size_t>(k));
          datagrams += d + "\n";
          std::size_t at = 0;
          while ((at = d.find("xdpkit.rx_packets:", at)) != std::string::npos) {
            const auto end = d.find('\n', at);
            const std::string line = d.substr(at, end == std::string::npos ? std::string::npos : end - at);
            if (line.size() > rx_tag.size() && line.compare(line.size() - rx_tag.size(), rx_tag.size(), rx_tag) == 0)
              pushed += std::stoull(line.substr(18));
            at += 18;
          }
        }
        return pushed == n;
      },
      10s))
      << pushed << " of " << n << "; datagrams: " << datagrams;

  // promtool reads the text from stdin and says what is wrong with it.
  write("scrape.txt", body);
  const auto lint = lab::run_command({"sh", "-c", "promtool check metrics < " + (dir_ / "scrape.txt").string()});
  EXPECT_EQ(lint.status, 0) << lint.output;
  EXPECT_EQ(lint.output, "") << "promtool's lint findings: " << lint.output;

  // A real Prometheus, scraping every second on the namespace's loopback.
  write("prometheus.yml", "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: xdpkit\n    static_configs:\n"
                          "      - targets: ['127.0.0.1:" + std::to_string(port) + "']\n");
  cli_child prom({"ip", "netns", "exec", lab_->dut_ns(), "prometheus",
                  "--config.file=" + (dir_ / "prometheus.yml").string(),
                  "--storage.tsdb.path=" + (dir_ / "tsdb").string(),
                  "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                 {}, false);
  std::string answer;
  const bool scraped = wait_until(
      [&] {
        answer = http_get(lab_->dut_ns(), prom_port, "/api/v1/query?query=xdpkit_rx_packets_total");
        if (answer.find("\"result\":[{") == std::string::npos) {
          std::this_thread::sleep_for(200ms);
          return false;
        }
        const auto r = json::parse(answer)["data"]["result"];
        return r.size() == 1 && r[0]["value"][1] == std::to_string(n);
      },
      30s);
  EXPECT_TRUE(scraped) << answer;
  kill(prom.pid(), SIGTERM);
  prom.wait_exit();
  kill(up.pid(), SIGTERM);
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
}


// kill -9 while traffic flows, then `xdpkit clean` from the initial
// namespace: it finds the dead service's journal, replays it in the lab's
// namespace (its own sysfs there), removes the control socket, and nothing
// is left. --dry-run before it says the same and changes nothing.
TEST_F(UpTest, KilledUnderTrafficThenCleanLeavesNothing) {
  const std::string before = tuned_values();
  write("fw.rules", "redirect-xsk proto udp dport 9\n");
  write("xdpkit.toml", config());
  cli_child up(up_args(), in_dut_ns());
  ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
  std::thread sender([&] { send_unpaced(5000, 100); });
  std::this_thread::sleep_for(400ms);
  kill(up.pid(), SIGKILL);
  EXPECT_EQ(up.wait_exit(), 128 + SIGKILL);
  sender.join();
  ASSERT_NE(tuned_values(), before);
  ASSERT_EQ(journals().size(), 2u);

  {
    cli_child dry({"clean", "--run-dir", run_dir_.string(), "--dry-run", "--json"});
    EXPECT_EQ(dry.wait_exit(), 0) << dry.output();
    const json j = json::parse(dry.output());
    ASSERT_EQ(j["journals"].size(), 2u) << j.dump();
    EXPECT_FALSE(j["journals"][0]["steps"].empty()) << j.dump();
    EXPECT_FALSE(j["journals"][1]["steps"].empty()) << j.dump();
    EXPECT_EQ(j["control_sockets"].size(), 1u) << j.dump();
    EXPECT_NE(tuned_values(), before) << "a dry run changes nothing";
    EXPECT_EQ(journals().size(), 2u);
  }
  cli_child clean({"clean", "--run-dir", run_dir_.string(), "--json"});
  EXPECT_EQ(clean.wait_exit(), 0) << clean.output();
  const json j = json::parse(clean.output());
  EXPECT_TRUE(j["ok"]) << j.dump();
  std::size_t interfaces = 0, sysctls = 0;
  for (const auto& e : j["journals"]) {
    interfaces += e.value("interface", "") == lab_->dut_if();
    sysctls += e.value("host_settings", false) && e["namespace"] != "(gone)" && !e["steps"].empty() && e["steps"][0]["changed"];
  }
  EXPECT_EQ(interfaces, 1u) << j.dump();
  EXPECT_EQ(sysctls, 1u) << "written back in the lab's namespace: " << j.dump();
  EXPECT_EQ(tuned_values(), before) << clean.output();
  EXPECT_TRUE(journals().empty());
  EXPECT_FALSE(fs::exists(run_dir_ / "control.sock"));
  EXPECT_FALSE(xdp_attached());

  cli_child again({"clean", "--run-dir", run_dir_.string()});
  EXPECT_EQ(again.wait_exit(), 0) << again.output();
  EXPECT_NE(again.output().find("nothing to clean"), std::string::npos) << again.output();
}


// One request line to the service's control socket, its reply line back.
std::string control(const fs::path& sock, const std::string& request) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock.c_str());
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    const std::string line = request + "\n";
    (void)!send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    char b[4096];
    for (ssize_t n; reply.find('\n') == std::string::npos && (n = recv(fd, b, sizeof(b), 0)) > 0;)
      reply.append(b, static_cast<std::size_t>(n));
  }
  close(fd);
  return reply;
}

// WatchdogSec=: WATCHDOG=1 flows while the worker runs, stops while it is
// held (a test hook standing in for a hung handler), and flows again after.
TEST_F(UpTest, TheWatchdogStopsWhileAWorkerIsStalled) {
  write("fw.rules", "default pass\n");
  write("xdpkit.toml", config("", false));
  notify_listener notify(dir_ / "notify.sock");
  scoped_env env("NOTIFY_SOCKET", (dir_ / "notify.sock").string());
  scoped_env period("WATCHDOG_USEC", "400000");  // WATCHDOG=1 every 200 ms
  scoped_env hooks("XDPKIT_TEST_HOOKS", "1");
  cli_child up(up_args(), in_dut_ns());
  ASSERT_TRUE(notify.wait_for("READY=1", 10s)) << notify.all() << up.output();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(notify.wait_for("WATCHDOG=1", 2s)) << notify.all() << up.output();

  const std::string on = control(run_dir_ / "control.sock", "test-stall " + lab_->dut_if() + " 0 on");
  ASSERT_NE(on.find("\"ok\":true"), std::string::npos) << on;
  ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "stalled"); }, 5s)) << up.output();
  EXPECT_TRUE(notify.wait_for("STATUS=stalled: " + lab_->dut_if() + " queue 0", 2s)) << notify.all();
  EXPECT_FALSE(notify.wait_for("WATCHDOG=1", 1500ms)) << "no WATCHDOG=1 while the worker is held: " << notify.all();

  const std::string off = control(run_dir_ / "control.sock", "test-stall " + lab_->dut_if() + " 0 off");
  ASSERT_NE(off.find("\"ok\":true"), std::string::npos) << off;
  EXPECT_TRUE(notify.wait_for("WATCHDOG=1", 3s)) << notify.all();
  kill(up.pid(), SIGTERM);
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
}


// `xdpkit diag` in the service's namespace sees what the kernel has: the
// firewall attached to the interface (as xdpkit's), the worker's AF_XDP
// socket on queue 0 with its UMEM, the service's journal held, its status.
TEST_F(UpTest, DiagSeesTheRunningServiceAsTheKernelDoes) {
  write("fw.rules", "redirect-xsk proto udp dport 9\n");
  write("xdpkit.toml", config());
  cli_child up(up_args(), in_dut_ns());
  ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
  cli_child diag({"diag", "--json", "--run-dir", run_dir_.string()}, in_dut_ns());
  EXPECT_EQ(diag.wait_exit(), 0) << diag.output();
  const json d = json::parse(diag.output());
  EXPECT_EQ(d["schema"], "xdpkit.diag/1");
  bool program = false, socket = false, journal = false;
  for (const auto& p : d["xdp_programs"])
    program |= p["interface"] == lab_->dut_if() && p["name"] == "xdpkit_firewall" && p["xdpkit"] == true;
  // Kernels without CONFIG_XDP_SOCKETS_DIAG cannot list sockets: diag says so.
  const bool no_diag = d["xsk_sockets"].is_object();
  if (no_diag)
    EXPECT_NE(d["xsk_sockets"]["error"].get<std::string>().find("CONFIG_XDP_SOCKETS_DIAG"), std::string::npos)
        << d["xsk_sockets"].dump();
  else
    for (const auto& s : d["xsk_sockets"])
      socket |= s["interface"] == lab_->dut_if() && s["queue"] == 0 && s.contains("umem") && s["rings"]["rx"] > 0;
  for (const auto& j : d["journals"]) journal |= j["kind"] == "service" && j["held"] == true && !j["steps"].empty();
  EXPECT_TRUE(program) << d["xdp_programs"].dump();
  EXPECT_TRUE(socket || no_diag) << d["xsk_sockets"].dump();
  EXPECT_TRUE(journal) << d["journals"].dump();
  EXPECT_EQ(d["service"]["config"], (dir_ / "xdpkit.toml").string()) << d["service"].dump();
  EXPECT_FALSE(d["validation"].contains("error")) << d["validation"].dump();
  kill(up.pid(), SIGTERM);
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
}

}  // namespace
}  // namespace xdpkit::testing

namespace xdpkit::testing {
namespace {

std::string status_field(const fs::path& status, const std::string& key) {
  std::ifstream in(status);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key + ":", 0) == 0) {
      const auto v = line.find_first_not_of(" \t", key.size() + 1);
      return v == std::string::npos ? "" : line.substr(v);
    }
  return "";
}

// [process] and fifo_priority: memory locked, up's own threads (the main
// loop and the metrics server's) on the control CPU and off the worker's, the
// worker SCHED_FIFO at its priority; a reload cannot change [process].
TEST_F(UpTest, ProcessSettingsLockMemoryPinTheControlThreadsAndRunWorkersFifo) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "one CPU: the control CPU and the worker's are the same";
  write("fw.rules", "redirect-xsk proto udp dport 9\n");
  const std::string process = "[process]\nmlockall = true\ncontrol_cpu = \"auto\"\n";
  std::string c = config("", false) + "[metrics]\nprometheus_listen = \"127.0.0.1:9436\"\n" + process;
  c.replace(c.find("wait = \"poll\""), 13, "wait = \"poll\"\nfifo_priority = 7");
  write("xdpkit.toml", c);
  cli_child up(up_args(), in_dut_ns());
  const auto ready = until(up, [](const json& j) { return type_is(j, "ready") || type_is(j, "error"); });
  ASSERT_TRUE(ready && type_is(*ready, "ready")) << up.output();
  EXPECT_TRUE((*ready)["mlockall"]);
  ASSERT_TRUE((*ready)["control_cpu"].is_number()) << ready->dump();
  const auto control = (*ready)["control_cpu"].get<unsigned>();
  EXPECT_EQ(control, 0u) << "the worker runs on CPU 1: " << ready->dump();

  const fs::path proc = "/proc/" + std::to_string(up.pid());
  const std::string locked = status_field(proc / "status", "VmLck");
  EXPECT_NE(locked.rfind("0 kB", 0), 0u) << "VmLck: " << locked;
  const auto caps = thread_capabilities(up.pid());
  EXPECT_TRUE(caps.at(up.pid()) & (1ull << CAP_IPC_LOCK)) << "kept for MCL_FUTURE's later mappings";
  std::size_t workers = 0, own = 0;
  for (const auto& [tid, eff] : caps) {
    const fs::path task = proc / "task" / std::to_string(tid);
    const std::string cpus = status_field(task / "status", "Cpus_allowed_list");
    if (eff == 0) {  // a worker: it dropped every capability
      ++workers;
      EXPECT_EQ(sched_getscheduler(tid), SCHED_FIFO) << "worker " << tid;
      sched_param p{};
      sched_getparam(tid, &p);
      EXPECT_EQ(p.sched_priority, 7);
      EXPECT_EQ(cpus, "1");
    } else {
      ++own;
      EXPECT_EQ(cpus, std::to_string(control)) << "thread " << tid << " of up itself";
      EXPECT_EQ(sched_getscheduler(tid), SCHED_OTHER);
    }
  }
  EXPECT_EQ(workers, 1u);
  EXPECT_GE(own, 2u) << "the main thread and the metrics server's";

  write("xdpkit.toml", config("", false) + "[metrics]\nprometheus_listen = \"127.0.0.1:9436\"\n[process]\nmlockall = false\n");
  kill(up.pid(), SIGHUP);
  const auto r = until(up, [](const json& j) { return type_is(j, "reload"); });
  ASSERT_TRUE(r) << up.output();
  EXPECT_FALSE((*r)["ok"]);
  EXPECT_NE((*r)["error"].get<std::string>().find("process"), std::string::npos) << r->dump();
  kill(up.pid(), SIGTERM);
  EXPECT_EQ(up.wait_exit(), 0) << up.output();
}

// [process] cpuset = true: the worker in a cpuset cgroup of its CPU and the
// UMEM's node, and still pinned to its CPU (joining a cpuset resets a
// thread's affinity); the cgroup goes at the stop, and after kill -9 `xdpkit
// clean` removes it from the journal the dead one left.
TEST_F(UpTest, ACpusetHoldsTheWorkersAndGoesAtTheStopOrWithClean) {
  try {
    (void)service::find_cpuset_parent();
  } catch (const std::exception& e) {
    GTEST_SKIP() << e.what();
  }
  write("fw.rules", "redirect-xsk proto udp dport 9\n");
  write("xdpkit.toml", config("", false) + "[process]\ncpuset = true\n");
  const std::string cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? "1" : "0";
  const auto first_line = [](const fs::path& p) {
    std::ifstream in(p);
    std::string v;
    std::getline(in, v);
    return v;
  };
  // `ip netns exec` mounts a fresh /sys, which hides /sys/fs/cgroup: up
  // runs with the host's cpuset hierarchy mounted again in its mount
  // namespace (the same hierarchy, so the host sees what it makes).
  std::string mount_cgroups = "mount -t cgroup2 none /sys/fs/cgroup";
  {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);)
      if (line.find(" - cgroup ") != std::string::npos && line.find("cpuset") != std::string::npos)
        mount_cgroups = "mount -t tmpfs none /sys/fs/cgroup && mkdir /sys/fs/cgroup/cpuset && "
                        "mount -t cgroup -o cpuset none /sys/fs/cgroup/cpuset";
  }
  std::string command = mount_cgroups + " && exec " XDPKIT_CLI;
  for (const auto& a : up_args()) command += " " + a;
  for (const bool killed : {false, true}) {
    SCOPED_TRACE(killed ? "kill -9, then clean" : "SIGTERM");
    auto wrapper = in_dut_ns();
    wrapper.insert(wrapper.end(), {"sh", "-c", command});
    cli_child up(wrapper, {}, false);
    const auto start = until(up, [](const json& j) { return type_is(j, "start") || type_is(j, "error"); });
    ASSERT_TRUE(start && type_is(*start, "start")) << up.output();
    ASSERT_TRUE((*start)["cpuset"].is_string()) << start->dump();
    const fs::path cg = (*start)["cpuset"].get<std::string>();
    EXPECT_TRUE(fs::is_directory(cg)) << cg;
    const fs::path cpus = fs::exists(cg / "cpuset.cpus") ? cg / "cpuset.cpus" : cg / "cpus";
    const fs::path mems = fs::exists(cg / "cpuset.mems") ? cg / "cpuset.mems" : cg / "mems";
    EXPECT_EQ(first_line(cpus), cpu);
    EXPECT_FALSE(first_line(mems).empty());
    if (first_line("/sys/devices/system/node/online") == "0") {
      EXPECT_EQ(first_line(mems), "0");
    }
    ASSERT_TRUE(until(up, [](const json& j) { return type_is(j, "ready"); })) << up.output();
    std::size_t workers = 0;
    for (const auto& [tid, eff] : thread_capabilities(up.pid())) {
      const fs::path task = "/proc/" + std::to_string(up.pid()) + "/task/" + std::to_string(tid);
      std::ifstream in(task / "cgroup");
      const std::string groups((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      const bool inside = groups.find(cg.filename().string()) != std::string::npos;
      if (eff == 0) {
        ++workers;
        EXPECT_TRUE(inside) << "worker " << tid << ": " << groups;
        EXPECT_EQ(status_field(task / "status", "Cpus_allowed_list"), cpu) << "pinned again after joining";
      } else {
        EXPECT_FALSE(inside) << "up's own thread " << tid << " stays where up runs: " << groups;
      }
    }
    EXPECT_EQ(workers, 1u);
    if (!killed) {
      kill(up.pid(), SIGTERM);
      EXPECT_EQ(up.wait_exit(), 0) << up.output();
      EXPECT_FALSE(fs::exists(cg)) << "removed at the stop";
      EXPECT_TRUE(journals().empty());
      continue;
    }
    kill(up.pid(), SIGKILL);
    EXPECT_EQ(up.wait_exit(), 128 + SIGKILL);
    EXPECT_TRUE(fs::exists(cg)) << "nothing ran the stop";
    ASSERT_EQ(journals().size(), 1u) << "the host settings' journal names the cgroup";
    cli_child clean({"clean", "--run-dir", run_dir_.string(), "--json"});
    EXPECT_EQ(clean.wait_exit(), 0) << clean.output();
    EXPECT_FALSE(fs::exists(cg)) << clean.output();
    EXPECT_TRUE(journals().empty()) << clean.output();
  }
}

}  // namespace
}  // namespace xdpkit::testing
