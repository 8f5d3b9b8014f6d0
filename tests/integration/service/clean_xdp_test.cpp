// SPDX-License-Identifier: Apache-2.0
// `xdpkit clean` and XDP programs: one of xdpkit's attached by netlink with
// no process holding it (what a dead xdpkit leaves; `ip link set xdp`
// attaches that way and exits) is detached; the same program while a process
// holds an fd of it, and a program that is not xdpkit's, are left alone.
#include <bpf/bpf.h>

#include "up_fixture.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::testing {
namespace {

class CleanXdpTest : public UpTest {
 protected:
  void attach_by_netlink(const std::string& ns, const std::string& ifname, const std::string& object) const {
    lab::run_checked({"ip", "-n", ns, "link", "set", "dev", ifname, "xdpgeneric", "obj", object, "sec", "xdp"});
  }
  std::string program_on(const std::string& ns, const std::string& ifname) const {
    const std::string out = lab::run_checked({"ip", "-n", ns, "-d", "link", "show", ifname});
    const auto at = out.find("prog/xdp id ");
    if (at == std::string::npos) return "";
    const auto name = out.find(" name ", at);
    return out.substr(name + 6, out.find(' ', name + 6) - name - 6);
  }
  std::uint32_t program_id_on(const std::string& ns, const std::string& ifname) const {
    const std::string out = lab::run_checked({"ip", "-n", ns, "-d", "link", "show", ifname});
    const auto at = out.find("prog/xdp id ");
    return at == std::string::npos ? 0 : static_cast<std::uint32_t>(std::stoul(out.substr(at + 12)));
  }
  json clean(bool dry = false) const {
    std::vector<std::string> args{"clean", "--run-dir", run_dir_.string(), "--json"};
    if (dry) args.push_back("--dry-run");
    cli_child c(args);
    EXPECT_EQ(c.wait_exit(), 0) << c.output();
    return json::parse(c.output());
  }
};

TEST_F(CleanXdpTest, AnOrphanOfXdpkitsGoesAHeldOneAndOthersStay) {
  const char* foreign = "/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o";  // xdp-tools'
  if (!fs::exists(foreign)) GTEST_SKIP() << foreign << " is missing (package xdp-tools)";
  attach_by_netlink(lab_->dut_ns(), lab_->dut_if(), XDPKIT_LAB_SINK_OBJECT);
  attach_by_netlink(lab_->gen_ns(), lab_->gen_if(), foreign);
  ASSERT_EQ(program_on(lab_->dut_ns(), lab_->dut_if()), "xdpkit_lab_sink");
  ASSERT_EQ(program_on(lab_->gen_ns(), lab_->gen_if()), "xdpfilt_alw_all");

  // Held: this process keeps an fd of the program, as a live xdpkit does.
  {
    unique_fd held(bpf_prog_get_fd_by_id(program_id_on(lab_->dut_ns(), lab_->dut_if())));
    ASSERT_TRUE(held);
    const json j = clean();
    EXPECT_TRUE(j["xdp_programs"].empty()) << j.dump();
    EXPECT_EQ(program_on(lab_->dut_ns(), lab_->dut_if()), "xdpkit_lab_sink");
  }
  const json dry = clean(true);
  ASSERT_EQ(dry["xdp_programs"].size(), 1u) << dry.dump();
  EXPECT_EQ(program_on(lab_->dut_ns(), lab_->dut_if()), "xdpkit_lab_sink") << "a dry run detaches nothing";

  const json j = clean();
  ASSERT_EQ(j["xdp_programs"].size(), 1u) << j.dump();
  const json& p = j["xdp_programs"][0];
  EXPECT_EQ(p["name"], "xdpkit_lab_sink");
  EXPECT_EQ(p["interface"], lab_->dut_if());
  EXPECT_EQ(p["namespace"], lab_->dut_ns());
  EXPECT_EQ(p["mode"], "generic");
  EXPECT_FALSE(p["dispatcher"]);
  EXPECT_EQ(program_on(lab_->dut_ns(), lab_->dut_if()), "") << "detached";
  EXPECT_EQ(program_on(lab_->gen_ns(), lab_->gen_if()), "xdpfilt_alw_all") << "not xdpkit's: left";
  lab::run_checked({"ip", "-n", lab_->gen_ns(), "link", "set", "dev", lab_->gen_if(), "xdpgeneric", "off"});
}

}  // namespace
}  // namespace xdpkit::testing
