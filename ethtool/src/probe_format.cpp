// SPDX-License-Identifier: Apache-2.0
// The human table of `xdpkit probe`, drawn from the JSON report so the two
// can never disagree.
#include <fmt/format.h>

#include "xdpkit/ethtool/probe.hpp"

namespace xdpkit::ethtool {
namespace {

using json = nlohmann::ordered_json;

std::string not_supported(const json& s) { return "not supported (" + s.value("reason", std::string()) + ")"; }

std::string or_none(const json& v) {
  if (v.is_null()) return "not reported";
  const auto s = v.get<std::string>();
  return s.empty() ? "none" : s;
}

std::string count_pair(const json& s, const char* field) {
  const auto cur = s["current"][field].get<unsigned>();
  const auto max = s["max"][field].get<unsigned>();
  if (max == 0 && cur == 0) return fmt::format("{} -", field);
  return fmt::format("{} {}/{}", field, cur, max);
}

std::string compress_table(const json& table) {
  // "0 1 0 1 ..." gets long on 512-entry tables; runs of one queue are folded.
  std::string out;
  std::size_t i = 0;
  while (i < table.size()) {
    std::size_t j = i;
    while (j + 1 < table.size() && table[j + 1] == table[i]) ++j;
    out += (out.empty() ? "" : " ") + table[i].dump() + (j > i ? fmt::format("×{}", j - i + 1) : "");
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string format_probe(const json& r) {
  std::string out;
  auto row = [&](std::string_view key, const std::string& value) { out += fmt::format("{:<14}{}\n", key, value); };

  row("interface", r["interface"].get<std::string>());
  const auto& d = r["driver"];
  row("driver", d["supported"] ? fmt::format("{} {} (bus {}, firmware {})", d["name"].get<std::string>(),
                                            d["version"].get<std::string>(), or_none(d["bus"]),
                                            or_none(d["firmware"]))
                               : not_supported(d));

  const auto& q = r["queues"];
  if (q["supported"]) {
    row("device", q["virtual"] ? std::string("virtual (no bus device)") : "pci " + or_none(q["pci"]));
    row("numa node", q["numa_node"].get<int>() < 0 ? std::string("not reported")
                                                   : fmt::format("{} (local cpus {})", q["numa_node"].get<int>(),
                                                                 or_none(q["local_cpus"])));
  } else {
    row("device", not_supported(q));
  }

  const auto& c = r["channels"];
  row("channels", c["supported"] ? fmt::format("{}, {}, {}, {} (current/max)", count_pair(c, "rx"),
                                               count_pair(c, "tx"), count_pair(c, "other"), count_pair(c, "combined"))
                                 : not_supported(c));
  const auto& g = r["rings"];
  row("rings", g["supported"] ? fmt::format("{}, {}, {}, {} (current/max)", count_pair(g, "rx"),
                                            count_pair(g, "rx_mini"), count_pair(g, "rx_jumbo"), count_pair(g, "tx"))
                              : not_supported(g));

  const auto& s = r["rss"];
  if (s["supported"]) {
    row("rss", fmt::format("{} entries over {} rx rings, key {} bytes, hash {}{}", s["table_size"].get<std::size_t>(),
                           s["rx_rings"].get<unsigned>(), s["key_size"].get<std::size_t>(),
                           s["hash_function"].is_null() ? std::string("not reported") : s["hash_function"].get<std::string>(),
                           s["default_spread"] ? ", default spread" : ", user table"));
    row("rss table", compress_table(s["table"]));
    row("rss key", s["key"].get<std::string>().empty() ? std::string("not reported") : s["key"].get<std::string>());
  } else {
    row("rss", not_supported(s));
  }

  const auto& h = r["hash_fields"];
  if (h["supported"]) {
    std::string flows;
    for (const auto& [name, v] : h["flows"].items())
      flows += fmt::format("{}{}={}", flows.empty() ? "" : " ", name, v.is_null() ? "n/a" : v.get<std::string>());
    row("hash fields", flows);
  } else {
    row("hash fields", not_supported(h));
  }

  const auto& n = r["ntuple"];
  if (n["supported"]) {
    row("ntuple", fmt::format("{} rules, table {} entries{}", n["rules"].get<unsigned>(), n["table_size"].get<unsigned>(),
                              n["special_locations"] ? ", driver picks locations" : ""));
    for (const auto& rule : n["list"]) row("", rule.get<std::string>());
  } else {
    row("ntuple", not_supported(n));
  }

  const auto& f = r["features"];
  if (f["supported"]) {
    std::string on;
    for (const auto& [name, state] : f["list"].items())
      if (state.get<std::string>().rfind("on", 0) == 0) on += (on.empty() ? "" : " ") + name;
    row("features on", on.empty() ? "none" : on);
    for (const char* key : {"rx-ntuple-filter", "rx-hashing", "rx-gro-hw", "rx-checksumming", "generic-receive-offload"})
      if (f["list"].contains(key)) row("", fmt::format("{}: {}", key, f["list"][key].get<std::string>()));
  } else {
    row("features", not_supported(f));
  }

  const auto& x = r["xdp"];
  if (x["supported"]) {
    auto yn = [](const json& b) { return b.get<bool>() ? "yes" : "no"; };
    std::string modes;
    for (const auto& m : x["modes"]) modes += (modes.empty() ? "" : "+") + m.get<std::string>();
    row("xdp", fmt::format("modes {}; native {}, redirect {}, redirect target {}, zero-copy {}, multi-buffer {}, offload {}",
                           modes, yn(x["native"]), yn(x["redirect"]), yn(x["redirect_target"]), yn(x["zero_copy"]),
                           yn(x["multi_buffer"]), yn(x["hw_offload"])));
  } else {
    row("xdp", not_supported(x));
  }

  if (q["supported"]) {
    if (q["irqs"].empty()) row("irqs", "none (no per-queue interrupts)");
    for (const auto& i : q["irqs"])
      row("irq", fmt::format("{} {} -> {} {}, affinity {}, effective {}", i["irq"].get<unsigned>(),
                             i["name"].get<std::string>(),
                             i["direction"].is_null() ? std::string("(not a queue)") : i["direction"].get<std::string>(),
                             i["queue"].is_null() ? std::string() : i["queue"].dump(), or_none(i["affinity"]),
                             or_none(i["effective"])));
    for (const auto& rx : q["rx"])
      row(fmt::format("rx-{}", rx["queue"].get<unsigned>()),
          fmt::format("rps cpus {}, rfs flows {}", or_none(rx["rps_cpus"]),
                      rx["rps_flow_cnt"].is_null() ? std::string("not reported") : rx["rps_flow_cnt"].dump()));
    for (const auto& tx : q["tx"])
      row(fmt::format("tx-{}", tx["queue"].get<unsigned>()), fmt::format("xps cpus {}", or_none(tx["xps_cpus"])));
    row("napi", fmt::format("defer_hard_irqs {}, gro_flush_timeout {} ns",
                            q["napi_defer_hard_irqs"].is_null() ? std::string("not reported") : q["napi_defer_hard_irqs"].dump(),
                            q["gro_flush_timeout_ns"].is_null() ? std::string("not reported") : q["gro_flush_timeout_ns"].dump()));
  }
  return out;
}

}  // namespace xdpkit::ethtool
