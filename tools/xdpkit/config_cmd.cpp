// SPDX-License-Identifier: Apache-2.0
// xdpkit config check FILE: read the service config as `xdpkit up` will,
// with every rule file it names parsed and compiled and every tune value
// through tune's own parsers, and touch nothing on the host.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/config/config.hpp"
#include "xdpkit/config/rule_files.hpp"
#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::cli {

namespace {

struct config_args {
  std::string file;
  bool json = false;
};

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

template <class T>
nlohmann::json list_or(const std::optional<std::vector<T>>& v, const char* otherwise) {
  return v ? nlohmann::json(*v) : nlohmann::json(otherwise);
}

nlohmann::json interface_json(const config::interface_config& c, const std::vector<std::size_t>& rule_counts) {
  nlohmann::json rules = nlohmann::json::array();
  for (std::size_t i = 0; i < c.rules.size(); ++i) rules.push_back({{"file", c.rules[i].string()}, {"rules", rule_counts[i]}});
  nlohmann::json ports = nlohmann::json::object();
  for (const auto& [slot, dev] : c.ports) ports[std::to_string(slot)] = dev;
  nlohmann::json j{{"name", c.name},
                   {"line", c.where.line},
                   {"program", c.program},
                   {"rules", rules},
                   {"queues", list_or(c.queues, "all")},
                   {"cpus", list_or(c.cpus, "auto")},
                   {"handler", c.handler},
                   {"xdp_mode", c.xdp_mode},
                   {"no_socket", c.no_socket},
                   {"ports", ports},
                   {"xsk",
                    {{"bind", c.xsk.bind},
                     {"frames", c.xsk.frames},
                     {"batch", c.xsk.batch},
                     {"wait", c.xsk.wait},
                     {"busy_poll_usec", c.xsk.busy_poll_usec},
                     {"busy_poll_budget", c.xsk.busy_poll_budget}}},
                   {"umem", {{"pages", c.umem.pages}}},
                   {"tune", nullptr}};
  if (c.tune) {
    nlohmann::json t = nlohmann::json::object();
    const auto put = [&](const char* k, const std::optional<std::string>& v) {
      if (v) t[k] = *v;
    };
    put("channels", c.tune->channels);
    put("rings", c.tune->rings);
    put("rss", c.tune->rss);
    put("rss_key", c.tune->rss_key);
    put("irq_affinity", c.tune->irq_affinity);
    put("rps", c.tune->rps);
    put("xps", c.tune->xps);
    if (!c.tune->hash.empty()) t["hash"] = c.tune->hash;
    if (!c.tune->ntuple.empty()) t["ntuple"] = c.tune->ntuple;
    if (c.tune->busy_poll) t["busy_poll"] = true;
    j["tune"] = t;
  }
  return j;
}

int check(const config_args& a) {
  const auto refuse = [&](const std::string& what, int code, const nlohmann::json& extra = nlohmann::json::object()) {
    if (a.json) {
      nlohmann::json j{{"file", a.file}, {"ok", false}, {"error", what}};
      j.update(extra);
      std::cout << dump(j) << "\n";
    } else {
      std::cerr << "xdpkit: " << xdpkit::escape_controls(what) << "\n";
    }
    return code;
  };
  config::service_config cfg;
  try {
    cfg = config::load_config(a.file);
  } catch (const os_error& e) {
    return refuse(e.what(), 2);  // the file itself could not be read
  } catch (const config::config_error& e) {
    return refuse(e.what(), 1, {{"line", e.where().line}, {"column", e.where().column}, {"key", e.key()}});
  }
  // The rule files, as a load would read and compile them.
  std::vector<std::vector<std::size_t>> counts;
  for (const auto& c : cfg.interfaces) {
    std::vector<std::size_t> per_file;
    try {
      per_file = config::load_rule_files(c.rules).per_file;
    } catch (const os_error& e) {
      return refuse(std::string(e.what()) + " (named by " + a.file + ", interface " + c.name + ")", 1,
                    {{"interface", c.name}});
    } catch (const firewall::rule_error& e) {
      return refuse(e.what(), 1, {{"interface", c.name}, {"rules_file", e.source()}, {"line", e.line()}});
    } catch (const std::exception& e) {
      return refuse(std::string(e.what()) + " (interface " + c.name + ")", 1, {{"interface", c.name}});
    }
    counts.push_back(per_file);
  }
  if (a.json) {
    nlohmann::json ifs = nlohmann::json::array();
    for (std::size_t i = 0; i < cfg.interfaces.size(); ++i) ifs.push_back(interface_json(cfg.interfaces[i], counts[i]));
    nlohmann::json metrics{{"prometheus_listen", cfg.metrics.prometheus_listen ? nlohmann::json(*cfg.metrics.prometheus_listen) : nullptr},
                           {"dogstatsd", cfg.metrics.dogstatsd ? nlohmann::json(*cfg.metrics.dogstatsd) : nullptr},
                           {"max_rule_series", cfg.metrics.max_rule_series}};
    std::cout << dump({{"file", a.file},
                       {"ok", true},
                       {"interfaces", ifs},
                       {"metrics", metrics},
                       {"process", {{"mlockall", cfg.process.mlockall}, {"cpuset", cfg.process.cpuset}}},
                       {"sysctl", cfg.sysctl},
                       {"log", {{"level", cfg.log.level}, {"target", cfg.log.target}}}})
              << "\n";
    return 0;
  }
  std::cout << fmt::format("{}: ok, {} interface(s)\n", a.file, cfg.interfaces.size());
  for (std::size_t i = 0; i < cfg.interfaces.size(); ++i) {
    const auto& c = cfg.interfaces[i];
    std::size_t rules = 0;
    for (auto n : counts[i]) rules += n;
    std::cout << fmt::format("  {}: {}{}, queues {}, cpus {}, handler {}{}\n", c.name, c.program,
                             c.rules.empty() ? "" : fmt::format(" ({} rules in {} file(s))", rules, c.rules.size()),
                             c.queues ? fmt::format("{}", fmt::join(*c.queues, ",")) : "all",
                             c.cpus ? fmt::format("{}", fmt::join(*c.cpus, ",")) : "auto", c.handler,
                             c.tune ? ", tuned at start" : "");
  }
  if (cfg.metrics.prometheus_listen) std::cout << "  metrics: Prometheus on " << *cfg.metrics.prometheus_listen << "\n";
  if (cfg.metrics.dogstatsd) std::cout << "  metrics: DogStatsD to " << *cfg.metrics.dogstatsd << "\n";
  for (const auto& [name, value] : cfg.sysctl) std::cout << "  sysctl: " << name << " = " << value << " while up runs\n";
  if (cfg.process.cpuset) std::cout << "  workers in a cpuset of their CPUs and the NIC's node\n";
  return 0;
}

}  // namespace

void add_config_command(CLI::App& app, int& exit_code) {
  CLI::App* config = app.add_subcommand("config", "The service config (TOML) that `xdpkit up` runs");
  config->require_subcommand(1);
  auto a = std::make_shared<config_args>();
  CLI::App* chk = config->add_subcommand(
      "check",
      "Read FILE as `xdpkit up` would and say what it configures or where it is wrong (FILE:LINE:COLUMN: KEY:\n"
      "what), touching nothing: every rule file it names is parsed and compiled, every [interface.tune] value\n"
      "goes through `xdpkit tune`'s parsers, unknown keys are errors. Exit 0 ok, 1 the config is wrong, 2 the\n"
      "file cannot be read. Keys: [[interface]] name, program (steer|firewall), rules, queues (\"all\"|\"0-3\"),\n"
      "cpus (\"auto\"|list), handler, xdp_mode, no_socket, ports; [interface.xsk] bind, frames, batch, wait,\n"
      "busy_poll_usec, busy_poll_budget, fifo_priority; [interface.umem] pages, reserve, shareable;\n"
      "[interface.tune] channels, rings, rss, rss_key, hash, ntuple, irq_affinity, rps, xps, busy_poll; [metrics]\n"
      "prometheus_listen, dogstatsd, max_rule_series; [process] mlockall, control_cpu, cpuset; [log] level,\n"
      "target; [sysctl] NAME = VALUE (net.core.busy_read = 50: set while up runs, put back at the stop).");
  chk->add_option("FILE", a->file, "The config file")->required();
  chk->add_flag("--json", a->json, "Print JSON: the config as read, or the error with line, column and key");
  chk->callback([a, &exit_code] { exit_code = check(*a); });
}

}  // namespace xdpkit::cli
