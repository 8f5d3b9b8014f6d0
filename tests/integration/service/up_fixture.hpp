// SPDX-License-Identifier: Apache-2.0
// What the service tests share. `xdpkit up` as a service manager runs it: the binary in the lab's DUT
// namespace with $NOTIFY_SOCKET pointing at a socket this test reads, the
// config and rule files in a directory of its own, SIGHUP and SIGTERM sent
// as systemd sends them, and the host read back at the end: every tuned
// value as before, no journal, no XDP program.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/capability.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli_child.hpp"
#include "lab_fixture.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"

namespace xdpkit::testing {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

// The datagrams a Type=notify service sends, as systemd would receive them.
class notify_listener {
 public:
  explicit notify_listener(const fs::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("notify socket");
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a))) throw std::runtime_error("bind " + path.string());
  }
  ~notify_listener() {
    close(fd_);
    unlink(path_.c_str());
  }
  // Reads messages until one holds `needle`; every message read is kept.
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char b[4096];
      const ssize_t n = recv(fd_, b, sizeof(b), 0);
      if (n <= 0) continue;
      messages_.emplace_back(b, static_cast<std::size_t>(n));
      if (messages_.back().find(needle) != std::string::npos) return true;
    }
  }
  std::string all() const {
    std::string s;
    for (const auto& m : messages_) s += "[" + m + "] ";
    return s;
  }

 private:
  fs::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

// The child inherits NOTIFY_SOCKET only while one of these lives.
class scoped_env {
 public:
  scoped_env(const char* name, const std::string& value) : name_(name) { setenv(name, value.c_str(), 1); }
  ~scoped_env() { unsetenv(name_); }

 private:
  const char* name_;
};

// GET http://127.0.0.1:PORT/PATH inside namespace `ns`: the body, or "" on
// any failure (the caller's expectation then shows what was wanted).
inline std::string http_get(const std::string& ns, int port, const std::string& path) {
  lab::netns_scope in(ns);
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      char b[65536];
      for (ssize_t n; (n = recv(fd, b, sizeof(b), 0)) > 0;) reply.append(b, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  const auto body = reply.find("\r\n\r\n");
  return body == std::string::npos ? "" : reply.substr(body + 4);
}

// The value of the sample `series` (name and labels as the text format
// spells them) in a /metrics body, or -1.
inline double sample(const std::string& body, const std::string& series) {
  std::size_t at = 0;
  while ((at = body.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || body[at - 1] == '\n') return std::stod(body.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

// CapEff of every thread of `pid`, by thread id.
inline std::map<int, std::uint64_t> thread_capabilities(pid_t pid) {
  std::map<int, std::uint64_t> out;
  std::error_code ec;
  for (const auto& t : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream status(t.path() / "status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("CapEff:", 0) == 0) out[std::stoi(t.path().filename().string())] = std::stoull(line.substr(7), nullptr, 16);
  }
  return out;
}

class UpTest : public LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    if (IsSkipped()) return;
    char tmpl[] = "/tmp/xdpkit-up-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    run_dir_ = dir_ / "run";
  }
  void TearDown() override {
    LabTest::TearDown();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string in_dut(const std::string& path) const {
    return lab::run_checked({"ip", "netns", "exec", lab_->dut_ns(), "cat", path});
  }
  // The values the config's [interface.tune] changes, as the host has them.
  std::string tuned_values() const {
    const std::string d = "/sys/class/net/" + lab_->dut_if();
    return in_dut(d + "/queues/rx-0/rps_cpus") + in_dut(d + "/napi_defer_hard_irqs") + in_dut(d + "/gro_flush_timeout") +
           in_dut(kSysctlFile);
  }
  // A sysctl of the DUT's namespace (net.core.somaxconn is per namespace,
  // and harmless): [sysctl] sets it one above what it is.
  static constexpr const char* kSysctlFile = "/proc/sys/net/core/somaxconn";
  std::string sysctl_table() const {
    return "[sysctl]\nnet.core.somaxconn = " + std::to_string(std::stoul(in_dut(kSysctlFile)) + 1) + "\n";
  }
  bool xdp_attached() const {
    return lab::run_checked({"ip", "-n", lab_->dut_ns(), "-d", "link", "show", lab_->dut_if()}).find("prog/xdp") !=
           std::string::npos;
  }
  std::vector<fs::path> journals() const {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(run_dir_, ec))
      if (e.path().extension() == ".journal") out.push_back(e.path());
    return out;
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir_ / name) << text; }
  std::string config(const std::string& extra = "", bool tune = true) const {
    const char* cpus = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? "[1]" : "[0]";
    std::string c = "[[interface]]\nname = \"" + lab_->dut_if() +
                    "\"\nprogram = \"firewall\"\nrules = [\"fw.rules\"]\nqueues = [0]\ncpus = " + cpus +
                    "\n" + extra + "[interface.xsk]\nwait = \"poll\"\n[interface.umem]\npages = \"normal\"\n";
    if (tune) c += "[interface.tune]\nrps = \"0\"\nbusy_poll = true\n" + sysctl_table();
    return c;
  }
  std::vector<std::string> up_args() const {
    return {"up", "--config", (dir_ / "xdpkit.toml").string(), "--run-dir", run_dir_.string(), "--json"};
  }
  std::vector<std::string> in_dut_ns() const { return {"ip", "netns", "exec", lab_->dut_ns()}; }

  // Reads the child's JSON lines until `pred` holds for one of them.
  static std::optional<json> until(cli_child& c, const std::function<bool(const json&)>& pred,
                                   std::chrono::milliseconds timeout = 20s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (auto l = c.line(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()))) {
      if (l->empty() || (*l)[0] != '{') continue;
      json j = json::parse(*l);
      if (pred(j)) return j;
    }
    return std::nullopt;
  }
  static bool type_is(const json& j, const char* t) { return j.value("type", "") == t; }

  fs::path dir_, run_dir_;
};

}  // namespace xdpkit::testing
