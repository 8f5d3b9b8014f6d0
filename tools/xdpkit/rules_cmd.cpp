// SPDX-License-Identifier: Apache-2.0
// xdpkit rules check FILE: parse and compile a firewall rule file exactly as a
// load would, without loading anything; say what it holds or where it is wrong.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "xdpkit/base/quote.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/regular_file.hpp"
#include "commands.hpp"
#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::cli {

namespace {

// --json always prints JSON: bytes of a path or a message that are not UTF-8
// come out as U+FFFD instead of stopping the dump.
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

int check(const std::string& path, bool json) {
  std::string text;
  try {
    text = read_regular_file(path, "rules file");
  } catch (const os_error& e) {
    if (json)
      std::cout << dump({{"file", path}, {"ok", false}, {"error", e.what()}}) << "\n";
    else
      std::cerr << "xdpkit: " << xdpkit::escape_controls(e.what()) << "\n";
    return 2;
  }
  try {
    const auto set = firewall::parse_rules(text, path);
    const auto compiled = firewall::compile(set);
    unsigned deepest = 0;
    for (std::uint32_t g = 0; g < compiled.groups.size(); ++g) {
      unsigned d = 0;
      for (std::uint32_t p = g; p != XDPKIT_FW_NO_GROUP; p = compiled.groups[p].parent) ++d;
      deepest = std::max(deepest, d);
    }
    if (json) {
      std::cout << dump({{"file", path},
                                  {"ok", true},
                                  {"rules", set.rules.size()},
                                  {"ipv4_prefixes", compiled.dst4.size()},
                                  {"ipv6_prefixes", compiled.dst6.size()},
                                  {"ipv4_table_chunks", compiled.v4.chunk_count()},
                                  {"ipv4_table_chunks_max", XDPKIT_FW_V4_CHUNKS},
                                  {"deepest_nesting", deepest},
                                  {"default", firewall::action_text(compiled.default_action, compiled.default_slot)},
                                  {"non_ip", firewall::action_text(compiled.not_ip_action, compiled.not_ip_slot)}})
                << "\n";
    } else {
      std::cout << fmt::format(
          "{}: {} rules on {} IPv4 and {} IPv6 destination prefixes (nesting up to {} of {}; "
          "IPv4 table: {} of {} 256-address chunks); default {}, non-IP {}\n",
          path, set.rules.size(), compiled.dst4.size(), compiled.dst6.size(), deepest, XDPKIT_FW_MAX_NESTING,
          compiled.v4.chunk_count(), XDPKIT_FW_V4_CHUNKS,
          firewall::action_text(compiled.default_action, compiled.default_slot),
          firewall::action_text(compiled.not_ip_action, compiled.not_ip_slot));
    }
    return 0;
  } catch (const firewall::rule_error& e) {
    if (json)
      std::cout << dump({{"file", path}, {"ok", false}, {"line", e.line()}, {"error", e.what()}}) << "\n";
    else
      std::cerr << xdpkit::escape_controls(e.what()) << "\n";
    return 1;
  }
}

}  // namespace

void add_rules_command(CLI::App& app, int& exit_code) {
  CLI::App* rules = app.add_subcommand("rules", "Firewall rule files");
  rules->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* chk = rules->add_subcommand(
      "check",
      "Parse and compile a rule file as loading it would, without loading: prints what it holds,\n"
      "or FILE:LINE: what is wrong (exit 1); a file that cannot be read whole is exit 2.\n"
      "One rule a line, e.g.\n"
      "  drop proto udp dst 10.0.0.0/8 dport 53\n"
      "  pass src 192.168.0.0/16\n"
      "  redirect-xsk proto tcp dport 8000-8099\n"
      "  default drop\n"
      "Precedence: longest destination prefix containing the packet's destination first, its\n"
      "rules in file order, then the next shorter prefix; a rule without dst is a /0.");
  chk->add_option("file", *path, "Rule file")->required();
  chk->add_flag("--json", *json, "One JSON object: ok, rules, prefixes, nesting, or line and error");
  chk->callback([path, json, &exit_code] { exit_code = check(*path, *json); });
}

}  // namespace xdpkit::cli
