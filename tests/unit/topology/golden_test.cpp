// SPDX-License-Identifier: Apache-2.0
// Every fixture under tests/fixtures/ (a directory with fixture.json and root/)
// has expected/topology.json and expected/validate.json; the JSON the library
// makes from the tree must equal them exactly. To accept a deliberate change:
//
//   XDPKIT_UPDATE_GOLDENS=1 build/tests/unit/topology/topology_unit_tests --gtest_filter='Fixtures/Golden.*'
//   git diff tests/fixtures   # review, then commit with the code change
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/topology/validator.hpp"

namespace xdpkit::topology {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> fixture_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(XDPKIT_FIXTURES_DIR))
    if (fs::exists(e.path() / "fixture.json") && fs::is_directory(e.path() / "root"))
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

json load(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return json();
  return json::parse(in);
}

bool updating() {
  const char* v = std::getenv("XDPKIT_UPDATE_GOLDENS");
  return v && *v && std::string(v) != "0";
}

void compare_or_update(const fs::path& golden, const json& actual) {
  if (updating()) {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden) << actual.dump(2) << "\n";
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; create it with XDPKIT_UPDATE_GOLDENS=1 (see golden_test.cpp)";
  json expected = load(golden);
  EXPECT_EQ(expected, actual) << golden << " differs (JSON patch from expected to actual):\n"
                              << json::diff(expected, actual).dump(2)
                              << "\nIf the change is deliberate, regenerate with XDPKIT_UPDATE_GOLDENS=1.";
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, TopologyJson) {
  fs::path dir = fs::path(XDPKIT_FIXTURES_DIR) / GetParam();
  auto host = read_host(host_root(dir / "root"));
  compare_or_update(dir / "expected" / "topology.json", topology_json(host));
}

TEST_P(Golden, ValidateJson) {
  fs::path dir = fs::path(XDPKIT_FIXTURES_DIR) / GetParam();
  json meta = load(dir / "fixture.json");
  host_root root(dir / "root");
  validate_options o;
  if (meta.contains("iface")) o.iface = meta["iface"].get<std::string>();
  compare_or_update(dir / "expected" / "validate.json", validation_json(validate_host(root, read_host(root), o)));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, ::testing::ValuesIn(fixture_names()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(GoldenSet, CoversTheRequiredShapes) {
  auto names = fixture_names();
  for (const char* required : {"live-vm-1node", "two-socket-ht", "hotplug-memnode", "no-numa"})
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
}

}  // namespace
}  // namespace xdpkit::topology
