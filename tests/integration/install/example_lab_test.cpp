// SPDX-License-Identifier: Apache-2.0
// The out-of-tree example (tools/examples/udp_counter), as
// out_of_tree_example.sh built it against the installed package, on a veth
// lab of its own: it binds the lab's queue, counts every UDP packet the lab
// sends, N of N, and exits 0.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "cli_child.hpp"
#include "lab_fixture.hpp"

namespace xdpkit::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class OutOfTreeExample : public LabTest {};

std::optional<json> line_of_type(cli_child& c, const std::string& type, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (auto l = c.line(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()))) {
    if (l->empty() || (*l)[0] != '{') continue;
    json j = json::parse(*l);
    if (j.value("type", "") == type) return j;
  }
  return std::nullopt;
}

TEST_F(OutOfTreeExample, CountsEveryUdpPacketTheLabSends) {
  const char* bin = std::getenv("XDPKIT_EXAMPLE_BIN");
  ASSERT_NE(bin, nullptr) << "tests/integration/install/out_of_tree_example.sh builds the example and names it here";
  constexpr std::uint64_t n = 3000;
  const std::string cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? "1" : "0";
  cli_child ex({"ip", "netns", "exec", lab_->dut_ns(), bin, "--iface", lab_->dut_if(), "--cpu", cpu, "--packets",
                std::to_string(n), "--seconds", "20"},
               {}, false);
  const auto ready = line_of_type(ex, "ready", 10s);
  ASSERT_TRUE(ready) << ex.output();
  EXPECT_EQ((*ready)["interface"], lab_->dut_if());
  send_unpaced(n, 200);
  const auto summary = line_of_type(ex, "summary", 25s);
  EXPECT_EQ(ex.wait_exit(), 0) << ex.output();
  ASSERT_TRUE(summary) << ex.output();
  EXPECT_EQ((*summary)["udp"], n) << summary->dump();
  EXPECT_EQ((*summary)["rx_packets"].get<std::uint64_t>(),
            (*summary)["udp"].get<std::uint64_t>() + (*summary)["other"].get<std::uint64_t>())
      << "every packet the worker received went through the handler: " << summary->dump();
  EXPECT_EQ((*summary)["dropped"], (*summary)["rx_packets"]) << "it drops everything it sees";
}

}  // namespace
}  // namespace xdpkit::testing
