// SPDX-License-Identifier: Apache-2.0
// ethtool(8) as the oracle for rule encoding: every line of the table goes
// through the real `ethtool -N` (its SIOCETHTOOL answered by an LD_PRELOAD
// shim, so no device or privilege is needed) and through parse_rule; the two
// ethtool_rx_flow_spec must agree byte for byte once bits outside each mask
// are cleared (parse_rule clears them, ethtool keeps them; the kernel ignores
// them either way).
#include <gtest/gtest.h>
#include <linux/ethtool.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "rule_lines.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/ethtool/rule.hpp"

namespace xdpkit::ethtool {
namespace {

std::string find_ethtool() {
  for (const char* p : {"/usr/sbin/ethtool", "/sbin/ethtool", "/usr/bin/ethtool"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

// Runs ethtool -N with `words`; returns the rxnfc it tried to insert.
std::vector<char> ethtool_insert(const std::string& ethtool, const std::vector<std::string>& words,
                                 const std::string& out) {
  std::filesystem::remove(out);
  std::vector<std::string> args{ethtool, "-N", "xkoracle0"};
  args.insert(args.end(), words.begin(), words.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::setenv("LD_PRELOAD", XDPKIT_ETHTOOL_SPY, 1);
    ::setenv("XK_SPY_OUT", out.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream in(out, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

// Clears value bits whose mask bit is 0, in the flow union and extension.
void normalise(ethtool_rx_flow_spec& fs) {
  auto* h = reinterpret_cast<unsigned char*>(&fs.h_u);
  const auto* m = reinterpret_cast<const unsigned char*>(&fs.m_u);
  for (std::size_t i = 0; i < sizeof fs.h_u; ++i) h[i] &= m[i];
  auto* he = reinterpret_cast<unsigned char*>(&fs.h_ext);
  const auto* me = reinterpret_cast<const unsigned char*>(&fs.m_ext);
  for (std::size_t i = 0; i < sizeof fs.h_ext; ++i) he[i] &= me[i];
}

TEST(EthtoolOracle, ParseRuleEncodesLikeEthtool) {
  const std::string ethtool = find_ethtool();
  if (ethtool.empty()) GTEST_SKIP() << "ethtool(8) is not installed; it is the oracle for this test";
  const std::string out =
      (std::filesystem::temp_directory_path() / ("xdpkit-ethtool-spy-" + std::to_string(::getpid()))).string();
  for (const auto& l : testing::kLines) {
    std::string text = l.input;
    // Without a location ethtool would first ask the (absent) device for its
    // rule table; an explicit one keeps the exchange to the insert alone.
    if (text.find(" loc ") == std::string::npos) text += " loc 5";
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);

    const auto raw = ethtool_insert(ethtool, words, out);
    ASSERT_EQ(raw.size(), sizeof(ethtool_rxnfc)) << "ethtool did not insert: " << text;
    ethtool_rxnfc theirs;
    std::memcpy(&theirs, raw.data(), sizeof theirs);

    flow_rule ours = parse_rule(text);
    ethtool_rx_flow_spec a = theirs.fs, b = ours.fs;
    normalise(a);
    normalise(b);
    EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0)
        << text << "\n ethtool:\n"
        << testing::hex({reinterpret_cast<const std::byte*>(&a), sizeof a}) << "\n ours:\n"
        << testing::hex({reinterpret_cast<const std::byte*>(&b), sizeof b});
    if (ours.fs.flow_type & FLOW_RSS) {
      EXPECT_EQ(theirs.rss_context, ours.rss_context) << text;
    }
  }
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace xdpkit::ethtool
