// SPDX-License-Identifier: Apache-2.0
// What xdpkit sets up, it takes down: XDP programs, sockets, fds, namespaces.
#include <bpf/libbpf.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <net/if.h>

#include <algorithm>
#include <fstream>

#include "lab_fixture.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/base/os_error.hpp"

namespace xdpkit::testing {
namespace {

int open_fd_count() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
  closedir(d);
  return n - 1;  // the DIR's own fd
}

std::uint32_t attached_prog_id(const lab::veth_lab& lab) {
  lab::netns_scope in_dut(lab.dut_ns());
  int ifindex = static_cast<int>(if_nametoindex(lab.dut_if().c_str()));
  LIBBPF_OPTS(bpf_xdp_query_opts, q);
  if (bpf_xdp_query(ifindex, 0, &q)) return ~0u;
  return q.prog_id;
}

bool netns_exists(const std::string& name) {
  auto all = lab::list_netns();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::string nr_hugepages() {
  std::ifstream f("/proc/sys/vm/nr_hugepages");
  std::string v;
  f >> v;
  return v;
}

class Cleanup : public LabTest {};

TEST_F(Cleanup, EngineDetachesItsProgram) {
  ASSERT_EQ(attached_prog_id(*lab_), 0u);
  start_engine(handler_kind::rxdrop);
  EXPECT_NE(attached_prog_id(*lab_), 0u);
  engine_.reset();
  EXPECT_EQ(attached_prog_id(*lab_), 0u) << "the XDP program outlived its engine";
}

TEST_F(Cleanup, EngineAndTrafficLeakNoFd) {
  const int before = open_fd_count();
  start_engine(handler_kind::l2fwd);
  EXPECT_EQ(send_paced(500), 500u);
  engine_.reset();
  EXPECT_EQ(open_fd_count(), before);
}

TEST(LabCleanup, LabRemovesBothNamespaces) {
  require_root();
  if (::testing::Test::IsSkipped()) return;
  std::string gen, dut;
  {
    auto lab = lab::veth_lab::create({"xktest", 1});
    gen = lab.gen_ns();
    dut = lab.dut_ns();
    ASSERT_TRUE(netns_exists(gen));
    ASSERT_TRUE(netns_exists(dut));
  }
  EXPECT_FALSE(netns_exists(gen));
  EXPECT_FALSE(netns_exists(dut));
}

// The bench's lab of three: the far end is a namespace of its own, linked to
// the DUT's, and goes with the lab.
TEST(LabCleanup, AFarEndIsLinkedToTheDutAndRemovedWithTheLab) {
  require_root();
  if (::testing::Test::IsSkipped()) return;
  std::string far;
  {
    lab::veth_lab_options o;
    o.prefix = "xktest";
    o.far_end = true;
    auto lab = lab::veth_lab::create(o);
    far = lab.far_ns();
    ASSERT_TRUE(netns_exists(far));
    const auto peer = lab::run_command({"ip", "-n", lab.dut_ns(), "-o", "link", "show", "dev", lab.dut_far_if()});
    EXPECT_EQ(peer.status, 0) << peer.output;
    EXPECT_NE(peer.output.find("state UP"), std::string::npos) << peer.output;
    const auto end = lab::run_command({"ip", "-n", far, "-o", "link", "show", "dev", lab.far_if()});
    EXPECT_NE(end.output.find(lab.far_if() + "@"), std::string::npos) << "a veth end: " << end.output;
  }
  EXPECT_FALSE(netns_exists(far));
}

TEST_F(Cleanup, AShortHugePagePoolIsAClearErrorAndChangesNothing) {
  const std::string pool = nr_hugepages();
  engine_config c;
  c.ifname = lab_->dut_if();
  c.umem.pages = page_policy::huge_required;
  c.umem.frame_count = 1u << 20;  // 4 GiB of frames: more than any pool here has free
  c.umem.fill_size = 4096;
  lab::netns_scope in_dut(lab_->dut_ns());
  try {
    engine e = engine::start(c);
    FAIL() << "a 4 GiB UMEM on huge pages must not fit";
  } catch (const os_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("huge pages"), std::string::npos) << what;
    EXPECT_NE(what.find("nr_hugepages"), std::string::npos) << what;
  }
  EXPECT_EQ(nr_hugepages(), pool);
  EXPECT_EQ(attached_prog_id(*lab_), 0u) << "a failed start must detach what it attached";
}

}  // namespace
}  // namespace xdpkit::testing
