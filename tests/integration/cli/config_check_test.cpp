// SPDX-License-Identifier: Apache-2.0
// `xdpkit config check` as a user runs it: a config and the rule file it
// names read and compiled, the answer in text and JSON, and the exit codes
// (0 ok, 1 the config is wrong, 2 the file cannot be read).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_child.hpp"

namespace xdpkit::testing {
namespace {

class ConfigCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("xk-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "edge.rules") << "drop proto udp dport 53\nredirect-xsk proto udp\ndefault pass\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    std::ofstream(dir_ / "xdpkit.toml") << text;
    return (dir_ / "xdpkit.toml").string();
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigCheck, AGoodConfigIsReadWithItsRuleFiles) {
  const auto file = write(
      "[[interface]]\nname = \"eth1\"\nprogram = \"firewall\"\nrules = [\"edge.rules\"]\nqueues = \"all\"\n"
      "[interface.tune]\nchannels = 4\n[metrics]\nprometheus_listen = \"127.0.0.1:9435\"\n");
  cli_child text({"config", "check", file});
  EXPECT_EQ(text.wait_exit(), 0) << text.output();
  EXPECT_NE(text.output().find("eth1: firewall (2 rules in 1 file(s))"), std::string::npos) << text.output();
  cli_child json({"config", "check", file, "--json"});
  EXPECT_EQ(json.wait_exit(), 0) << json.output();
  const auto j = nlohmann::json::parse(json.output());
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["interfaces"][0]["rules"][0]["rules"], 2) << "a default line is no rule";
  EXPECT_EQ(j["interfaces"][0]["rules"][0]["file"], (dir_ / "edge.rules").string()) << "beside the config";
  EXPECT_EQ(j["interfaces"][0]["queues"], "all");
  EXPECT_EQ(j["interfaces"][0]["tune"]["channels"], "4");
  EXPECT_EQ(j["metrics"]["prometheus_listen"], "127.0.0.1:9435");
}

TEST_F(ConfigCheck, AWrongConfigIsNamedByLineColumnAndKey) {
  const auto file = write("[[interface]]\nname = \"eth1\"\nqeueus = \"all\"\n");
  cli_child text({"config", "check", file});
  EXPECT_EQ(text.wait_exit(), 1) << text.output();
  EXPECT_NE(text.output().find(file + ":3:1: interface[0].qeueus: unknown key"), std::string::npos) << text.output();
  cli_child json({"config", "check", file, "--json"});
  EXPECT_EQ(json.wait_exit(), 1) << json.output();
  const auto j = nlohmann::json::parse(json.output());
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_EQ(j["line"], 3);
  EXPECT_EQ(j["column"], 1);
  EXPECT_EQ(j["key"], "interface[0].qeueus");
}

TEST_F(ConfigCheck, ABrokenRuleFileIsNamedByItsOwnLine) {
  std::ofstream(dir_ / "bad.rules") << "drop proto udp\ndrop dport 99999\n";
  const auto file = write("[[interface]]\nname = \"eth1\"\nprogram = \"firewall\"\nrules = [\"bad.rules\"]\n");
  cli_child x({"config", "check", file});
  EXPECT_EQ(x.wait_exit(), 1) << x.output();
  EXPECT_NE(x.output().find((dir_ / "bad.rules").string() + ":2:"), std::string::npos) << x.output();
}

TEST_F(ConfigCheck, AFileThatCannotBeReadIsASetupError) {
  cli_child missing({"config", "check", (dir_ / "absent.toml").string()});
  EXPECT_EQ(missing.wait_exit(), 2) << missing.output();
  cli_child directory({"config", "check", dir_.string()});
  EXPECT_EQ(directory.wait_exit(), 2) << directory.output();
}

}  // namespace
}  // namespace xdpkit::testing
