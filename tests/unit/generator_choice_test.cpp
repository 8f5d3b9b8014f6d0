// SPDX-License-Identifier: Apache-2.0
// Which generator the lab takes, from what the probe found: pure logic, no kernel.
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "xdpkit/lab/generator.hpp"

namespace xdpkit::lab {
namespace {

generator_support refused_live() {
  generator_support s;
  s.live = {false, "BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES: Operation not permitted"};
  s.tc_clone = {true, {}};
  s.af_packet = {true, {}};
  return s;
}

TEST(GeneratorChoice, AutoTakesTheFastestTheKernelAllows) {
  generator_support all;
  all.live = all.tc_clone = all.af_packet = {true, {}};
  EXPECT_EQ(choose_generator(all, std::nullopt), generator_kind::live);
  EXPECT_EQ(choose_generator(refused_live(), std::nullopt), generator_kind::tc_clone);
  generator_support only_packet = refused_live();
  only_packet.tc_clone = {false, "BPF_PROG_RUN of a tc program: Operation not permitted"};
  EXPECT_EQ(choose_generator(only_packet, std::nullopt), generator_kind::af_packet);
}

TEST(GeneratorChoice, AskingForARefusedBackendSaysWhyAndWhatWorks) {
  try {
    choose_generator(refused_live(), generator_kind::live);
    FAIL() << "a refused backend must not be chosen";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("Operation not permitted"), std::string::npos) << m;
    EXPECT_NE(m.find("usable: tc-clone, af-packet"), std::string::npos) << m;
  }
  EXPECT_EQ(choose_generator(refused_live(), generator_kind::af_packet), generator_kind::af_packet);
}

TEST(GeneratorChoice, NoneUsableIsAnErrorNamingEachReason) {
  generator_support none;
  none.live = {false, "live says no"};
  none.tc_clone = {false, "tc says no"};
  none.af_packet = {false, "packet says no"};
  try {
    choose_generator(none, std::nullopt);
    FAIL();
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    for (const char* why : {"live says no", "tc says no", "packet says no"})
      EXPECT_NE(m.find(why), std::string::npos) << m;
  }
}

TEST(GeneratorChoice, NamesRoundTripAndUnknownOnesAreRefused) {
  for (generator_kind k : all_generator_kinds) EXPECT_EQ(parse_generator_choice(to_string(k)), k);
  EXPECT_EQ(parse_generator_choice("auto"), std::nullopt);
  EXPECT_THROW(parse_generator_choice("afpacket"), std::invalid_argument);
  EXPECT_THROW(parse_generator_choice(""), std::invalid_argument);
}

TEST(GeneratorChoice, TheEnvironmentChoosesForTests) {
  ::setenv("XDPKIT_LAB_GENERATOR", "tc-clone", 1);
  EXPECT_EQ(generator_choice_from_env(), generator_kind::tc_clone);
  ::setenv("XDPKIT_LAB_GENERATOR", "auto", 1);
  EXPECT_EQ(generator_choice_from_env(), std::nullopt);
  ::setenv("XDPKIT_LAB_GENERATOR", "warp", 1);
  EXPECT_THROW(generator_choice_from_env(), std::invalid_argument);
  ::unsetenv("XDPKIT_LAB_GENERATOR");
  EXPECT_EQ(generator_choice_from_env(), std::nullopt);
}

}  // namespace
}  // namespace xdpkit::lab
