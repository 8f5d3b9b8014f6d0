// SPDX-License-Identifier: Apache-2.0
// Capture (issue 13, item 4): what the handler sees, in a pcap that libpcap
// reads back byte for byte and tcpdump reads too; the count limit and the snap
// length hold; beside l2fwd the frames are recorded before the handler swaps
// their addresses, and still sent.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli_child.hpp"
#include "lab_fixture.hpp"
#include "pcap_reader.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/userspace/capture.hpp"

namespace xdpkit::testing {
namespace {

namespace fs = std::filesystem;

class Capture : public LabTest {
 protected:
  void SetUp() override {
    LabTest::SetUp();
    char tmpl[] = "/tmp/xdpkit-capture-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    LabTest::TearDown();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(Capture, TheFileHoldsEveryFrameByteForByte) {
  const fs::path file = dir_ / "all.pcap";
  auto out = pcap_writer::create(file, 65535, 0);
  engine_config c = lab_config();
  c.make_worker = run_handler(capture_handler{out});
  start(c);
  constexpr std::uint64_t n = 800;
  ASSERT_EQ(send_paced(n), n);
  ASSERT_TRUE(wait_until([&] { return out->written() >= n; }, std::chrono::seconds(5))) << out->written();
  engine_->stop();
  out->flush();
  EXPECT_EQ(engine_->stats().total().dropped, n) << "capture drops what it wrote";
  const captured got = read_pcap(file);
  ASSERT_TRUE(got.error.empty()) << got.error;
  ASSERT_EQ(got.frames.size(), n);
  const std::vector<std::uint8_t> frame = lab_frame();
  std::size_t equal = 0;
  for (std::size_t i = 0; i < n; ++i) equal += got.frames[i] == frame && got.lengths[i] == frame.size();
  EXPECT_EQ(equal, n) << "every captured frame is the one the lab sent";
  if (lab::run_command({"sh", "-c", "command -v tcpdump"}).status == 0) {
    EXPECT_EQ(tcpdump_count(file), static_cast<long>(n));
  } else {
    ADD_FAILURE() << "tcpdump is missing (tools/install-deps.sh installs it)";
  }
}

// `xdpkit run --handler l2fwd --capture F --capture-count 100 --snaplen 20`:
// 100 frames kept, 20 bytes each, as they arrived (addresses not swapped),
// and every frame still reflected.
TEST_F(Capture, RunRecordsWhatL2fwdSawWithinTheLimitAndTheSnapLength) {
  const fs::path file = dir_ / "l2fwd.pcap";
  constexpr std::uint64_t n = 300, limit = 100;
  cli_child run({"run", "--iface", lab_->dut_if(), "--handler", "l2fwd", "--capture", file.string(), "--capture-count",
                 std::to_string(limit), "--snaplen", "20", "--duration", "3", "--json", "--wait", "poll", "--pages",
                 "normal"},
                {"ip", "netns", "exec", lab_->dut_ns()});
  std::optional<nlohmann::json> start, summary;
  while (auto l = run.line(std::chrono::seconds(10)))
    if (!l->empty() && (*l)[0] == '{') {
      start = nlohmann::json::parse(*l);
      break;
    }
  ASSERT_TRUE(start && (*start)["type"] == "start") << run.output();
  EXPECT_EQ((*start)["handler"], "l2fwd (captured)");
  send_unpaced(n, 100);
  while (auto l = run.line(std::chrono::seconds(20))) {
    if (l->empty() || (*l)[0] != '{') continue;
    auto j = nlohmann::json::parse(*l);
    if (j["type"] == "summary") summary = j;
  }
  EXPECT_EQ(run.wait_exit(), 0) << run.output();
  ASSERT_TRUE(summary) << run.output();
  EXPECT_EQ((*summary)["capture"]["written"], limit) << summary->dump();
  EXPECT_EQ((*summary)["rx_packets"], n) << summary->dump();
  EXPECT_EQ((*summary)["tx_packets"], n) << "l2fwd still sent every frame: " << summary->dump();
  const captured got = read_pcap(file);
  ASSERT_TRUE(got.error.empty()) << got.error;
  ASSERT_EQ(got.frames.size(), limit);
  const std::vector<std::uint8_t> frame = lab_frame();
  const std::vector<std::uint8_t> head(frame.begin(), frame.begin() + 20);
  std::size_t as_sent = 0;
  for (std::size_t i = 0; i < limit; ++i) as_sent += got.frames[i] == head && got.lengths[i] == frame.size();
  EXPECT_EQ(as_sent, limit) << "20 bytes of each, before the handler swapped the addresses";
  EXPECT_EQ(tcpdump_count(file), static_cast<long>(limit));
}

}  // namespace
}  // namespace xdpkit::testing
