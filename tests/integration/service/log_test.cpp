// SPDX-License-Identifier: Apache-2.0
// [log] as journald receives it: `up` runs in a mount namespace where
// /run/systemd/journal is this test's directory, so its records reach the
// socket the test listens on (journald's native protocol: KEY=VALUE lines per
// datagram), and the host's /run is untouched.
#include "up_fixture.hpp"

namespace xdpkit::testing {
namespace {

using record = std::map<std::string, std::string>;

// A datagram of the native protocol, fields without newlines (the service
// sends one record per line of text).
record parse_record(const std::string& d) {
  record r;
  std::size_t at = 0;
  while (at < d.size()) {
    std::size_t nl = d.find('\n', at);
    if (nl == std::string::npos) nl = d.size();
    const std::string field = d.substr(at, nl - at);
    const auto eq = field.find('=');
    if (eq != std::string::npos) r[field.substr(0, eq)] = field.substr(eq + 1);
    at = nl + 1;
  }
  return r;
}

class fake_journald {
 public:
  explicit fake_journald(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", (dir / "socket").c_str());
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)))
      throw std::runtime_error("bind " + (dir / "socket").string());
  }
  ~fake_journald() { close(fd_); }
  std::vector<record> records() {
    char b[65536];
    for (ssize_t n; (n = recv(fd_, b, sizeof(b), 0)) > 0;) got_.push_back(parse_record(std::string(b, static_cast<std::size_t>(n))));
    return got_;
  }
  // The prefix that runs a command with this directory as /run/systemd/journal.
  std::vector<std::string> mount_prefix() const {
    return {"unshare", "--mount", "--propagation", "private", "sh", "-c",
            "mount -t tmpfs xdpkit-test /run/systemd && mkdir /run/systemd/journal && "
            "mount --bind \"$0\" /run/systemd/journal && exec \"$@\"",
            dir_.string()};
  }

 private:
  fs::path dir_;
  int fd_ = -1;
  std::vector<record> got_;
};

TEST_F(UpTest, TheLogGoesToJournaldWithItsFieldsAndItsLevel) {
  if (!fs::is_directory("/run/systemd"))
    GTEST_SKIP() << "no /run/systemd to mount the test's journal directory over";
  const bool host_had_journal_dir = fs::exists("/run/systemd/journal");
  fake_journald journal(dir_ / "journal");
  write("fw.rules", "redirect-xsk proto udp dport 9\ndefault pass\n");
  write("xdpkit.toml", "[log]\nlevel = \"warn\"\ntarget = \"journald\"\n" + config("", false));
  auto prefix = journal.mount_prefix();
  for (const auto& w : in_dut_ns()) prefix.push_back(w);
  cli_child up({"up", "--config", (dir_ / "xdpkit.toml").string(), "--run-dir", run_dir_.string()}, prefix);
  ASSERT_TRUE(wait_until([&] { return fs::exists(run_dir_ / "control.sock"); }, std::chrono::seconds(20))) << up.output();
  // Running once the control socket answers status.
  ASSERT_TRUE(wait_until(
      [&] {
        cli_child st({"ctl", "status", "--run-dir", run_dir_.string()});
        return st.wait_exit() == 0;
      },
      std::chrono::seconds(20)))
      << up.output();
  send_unpaced(500, 100);
  write("fw.rules", "redirect-xsk proto udp dprt 9\n");
  kill(up.pid(), SIGHUP);
  ASSERT_TRUE(wait_until(
      [&] {
        for (const auto& r : journal.records())
          if (r.count("XDPKIT_EVENT") && r.at("XDPKIT_EVENT") == "reload") return true;
        return false;
      },
      std::chrono::seconds(10)))
      << up.output();
  kill(up.pid(), SIGTERM);
  EXPECT_EQ(up.wait_exit(), 0) << up.output();

  bool failed_reload = false;
  for (const auto& r : journal.records()) {
    EXPECT_EQ(r.at("SYSLOG_IDENTIFIER"), "xdpkit");
    EXPECT_LE(std::stoi(r.at("PRIORITY")), 4) << "level = warn lets nothing below through: " << r.at("MESSAGE");
    if (r.at("XDPKIT_EVENT") == "reload") {
      failed_reload = true;
      EXPECT_EQ(r.at("PRIORITY"), "4");
      EXPECT_NE(r.at("MESSAGE").find("fw.rules:1"), std::string::npos) << r.at("MESSAGE");
    }
  }
  EXPECT_TRUE(failed_reload);
  EXPECT_EQ(up.output().find("running"), std::string::npos) << "nothing went to stderr instead: " << up.output();
  EXPECT_EQ(fs::exists("/run/systemd/journal"), host_had_journal_dir) << "the mounts stayed in up's namespace";
}

}  // namespace
}  // namespace xdpkit::testing
