// SPDX-License-Identifier: Apache-2.0
// `xdpkit rules check` as the CLI runs it (built here from
// tools/xdpkit/rules_cmd.cpp): what it says, and its exit codes, for sources
// that cannot be read and text that is not rules.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "commands.hpp"

namespace xdpkit::cli {
namespace {

struct outcome {
  int exit_code = -1;
  std::string out, err;
};

outcome run(std::vector<std::string> args) {
  CLI::App app{"xdpkit"};
  int exit_code = 0;
  add_rules_command(app, exit_code);
  args.insert(args.begin(), "xdpkit");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  outcome r;
  app.parse(static_cast<int>(argv.size()), argv.data());
  r.exit_code = exit_code;
  r.out = ::testing::internal::GetCapturedStdout();
  r.err = ::testing::internal::GetCapturedStderr();
  return r;
}

class RulesCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("xk-rules-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

TEST_F(RulesCheck, AGoodFileSaysWhatItHolds) {
  const auto r = run({"rules", "check", write("ok.rules", "drop proto udp dport 53\ndefault drop\n")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 rules"), std::string::npos) << r.out;
}

// Issue 12: a directory read as "0 rules", exit 0.
TEST_F(RulesCheck, ADirectoryOrAFifoIsASetupErrorNotAnEmptyRuleSet) {
  const auto fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& bad : {dir_.string(), fifo.string()}) {
    const auto r = run({"rules", "check", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("read rules file " + bad), std::string::npos) << r.err;
    const auto j = run({"rules", "check", "--json", bad});
    EXPECT_EQ(j.exit_code, 2);
    const auto doc = nlohmann::json::parse(j.out);
    EXPECT_EQ(doc["ok"], false);
    EXPECT_NE(doc["error"].get<std::string>().find(bad), std::string::npos) << j.out;
  }
}

// Issue 12: invalid UTF-8 gave no JSON, only a library exception on stderr.
TEST_F(RulesCheck, JsonIsJsonWhateverTheBytes) {
  const auto path = write("bad\xff.rules", "drop dst 10.0.0.0/8 \xc3\x28\n");
  const auto r = run({"rules", "check", "--json", path});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto doc = nlohmann::json::parse(r.out);  // throws, failing the test, if not JSON
  EXPECT_EQ(doc["ok"], false);
  EXPECT_EQ(doc["line"], 1);
  EXPECT_NE(doc["error"].get<std::string>().find("not ASCII (0xc3)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace xdpkit::cli
