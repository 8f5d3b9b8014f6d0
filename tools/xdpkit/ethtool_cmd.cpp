// SPDX-License-Identifier: Apache-2.0
// xdpkit probe | tune | revert: parse, call ethtool/, print.
#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "steps_report.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/config/tune_request.hpp"
#include "xdpkit/ethtool/info.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/probe.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/base/result.hpp"
#include "xdpkit/ethtool/qstats.hpp"
#include "xdpkit/ethtool/stats.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::cli {
namespace {

namespace et = xdpkit::ethtool;
using json = nlohmann::ordered_json;

struct common_args {
  std::string ifname;
  bool json_out = false;
  bool stats = false;  // probe only
  std::string root = "/";
  std::string journal_dir;  // empty: /run/xdpkit under --root (see journal_dir_of)
  bool force = false;  // revert only: replay a damaged journal's good lines
};

void add_common(CLI::App* cmd, common_args& a, bool journal, bool if_required = true) {
  auto* ifopt = cmd->add_option("IF", a.ifname, "Network interface");
  if (if_required) ifopt->required();
  cmd->add_flag("--json", a.json_out, "Print JSON instead of a table");
  cmd->add_option("--root", a.root, "Read /sys and /proc under this directory (a fixture tree)")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  if (journal)
    cmd->add_option("--journal-dir", a.journal_dir,
                    "Where the journals live (one per interface and network namespace: <netns-inode>-IF.journal). "
                    "Default /run/xdpkit, under --root when one is given: a fixture tree's old values must never "
                    "reach the real device's journal");
}

void print(const std::string& s) { std::fputs(s.c_str(), stdout); }

std::filesystem::path journal_dir_of(const common_args& a) {
  if (!a.journal_dir.empty()) return a.journal_dir;
  return topology::host_root(a.root).resolve(et::kDefaultJournalDir);
}

void print_steps(const std::vector<et::step_report>& steps, const char* verb) { print(steps_text(steps, verb)); }

int probe_cmd(const common_args& a) {
  auto io = et::make_kernel_transport();
  const et::device dev(*io, a.ifname);
  et::probe_options opt;
  opt.root = topology::host_root(a.root);
  json report = et::probe(dev, opt);
  std::string stats_text;
  if (a.stats) {
    // Counters move, so they stay out of the default report (two probes of an
    // unchanged device print the same bytes) and come only when asked for.
    const auto stats = et::get_stats(dev);
    json s{{"supported", stats.ok()}};
    if (stats) {
      json values = json::object();
      for (const auto& [name, v] : *stats) {
        values[name] = v;
        stats_text += fmt::format("{:<14}{} {}\n", "stat", name, v);
      }
      s["values"] = values;
    } else {
      s["reason"] = stats.refused().message();
      stats_text = fmt::format("{:<14}not supported ({})\n", "stats", stats.refused().message());
    }
    report["stats"] = s;
    // The core's per-queue counters: the only per-queue packet counts of
    // drivers such as virtio-net on 6.12+.
    const auto qc = et::get_queue_counters(dev);
    json q{{"supported", qc.ok()}};
    if (qc) {
      json rx = json::array(), tx = json::array();
      for (const auto& c : *qc) {
        json e{{"queue", c.queue}};
        if (c.packets) e["packets"] = *c.packets;
        if (c.bytes) e["bytes"] = *c.bytes;
        (c.rx ? rx : tx).push_back(e);
        stats_text += fmt::format("{:<14}{} {} packets {} bytes {}\n", "queue stat", c.rx ? "rx" : "tx", c.queue,
                                  c.packets ? std::to_string(*c.packets) : "-", c.bytes ? std::to_string(*c.bytes) : "-");
      }
      q["rx"] = rx;
      q["tx"] = tx;
    } else {
      q["reason"] = qc.refused().message();
      stats_text += fmt::format("{:<14}not supported ({})\n", "queue stats", qc.refused().message());
    }
    report["queue_counters"] = q;
  }
  print(a.json_out ? report.dump(2) + "\n" : et::format_probe(report) + stats_text);
  return 0;
}

struct tune_args : common_args {
  std::string channels, rings, irq_affinity, rps, xps;
  std::string rss_key;
  std::vector<std::string> rss, hash, ntuple;
  std::vector<std::uint32_t> ntuple_delete;
  bool busy_poll = false, dry_run = false;
};

bool is_count(const std::string& w) {
  return !w.empty() && w.find_first_not_of("0123456789") == std::string::npos;
}

// `--rss` takes the words up to the next option, so `tune --rss equal 2 eth0`
// would take eth0 as a word. IF is the only positional, and the rss words are
// a keyword and counts: a last word that is neither is IF.
void take_interface_from_rss_words(tune_args& a) {
  if (!a.ifname.empty()) return;
  if (!a.rss.empty() && a.rss.size() > 1 && !is_count(a.rss.back())) {
    a.ifname = a.rss.back();
    a.rss.pop_back();
    return;
  }
  throw std::invalid_argument("tune: which interface? Give IF first: `xdpkit tune IF --channels 4 ...`");
}

// The same words as [interface.tune] in the service config, through the same translation.
et::tune_request build_request(const tune_args& a) {
  config::tune_settings s;
  const auto given = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
  s.channels = given(a.channels);
  s.rings = given(a.rings);
  if (!a.rss.empty()) {
    std::string words;
    for (const auto& w : a.rss) words += (words.empty() ? "" : " ") + w;
    s.rss = words;
  }
  s.rss_key = given(a.rss_key);
  s.hash = a.hash;
  s.ntuple = a.ntuple;
  s.irq_affinity = given(a.irq_affinity);
  s.rps = given(a.rps);
  s.xps = given(a.xps);
  s.busy_poll = a.busy_poll;
  et::tune_request req = config::to_tune_request(s);
  req.ntuple_delete = a.ntuple_delete;
  if (req.empty()) throw std::invalid_argument("tune: nothing asked for (see xdpkit tune --help)");
  return req;
}

int tune_cmd(const tune_args& a) {
  const et::tune_request req = build_request(a);  // syntax errors before any change
  auto io = et::make_kernel_transport();
  const et::device dev(*io, a.ifname);
  const et::tune_context ctx{dev, topology::host_root(a.root)};
  (void)et::get_driver_info(dev);  // a missing interface is a setup error, before any journal exists
  if (a.dry_run) {
    const auto plan = et::plan_tune(ctx, req);
    if (a.json_out)
      print(json{{"interface", a.ifname}, {"dry_run", true}, {"steps", steps_json(plan)}}.dump(2) + "\n");
    else
      print_steps(plan, "would set");
    return 0;
  }
  const auto dir = journal_dir_of(a);
  // A fixture tree may have no /run: its journal directory's parent is made
  // here, as the live host's /run always exists.
  if (a.journal_dir.empty() && a.root != "/") std::filesystem::create_directories(dir.parent_path());
  auto log = et::journal::open(dir, a.ifname);
  try {
    const auto done = et::tune(ctx, req, log);
    if (a.json_out)
      print(json{{"interface", a.ifname}, {"dry_run", false}, {"steps", steps_json(done)}, {"journal", log.path().string()}}
                .dump(2) +
            "\n");
    else
      print_steps(done, "changed");
    return 0;
  } catch (const et::tune_error& e) {
    if (a.json_out)
      print(json{{"interface", a.ifname},
                 {"error", e.what()},
                 {"failed_step", e.step()},
                 {"changes", e.changes()},
                 {"rolled_back", e.rolled_back()},
                 {"rollback_failures", e.rollback_failures()}}
                .dump(2) +
            "\n");
    std::fprintf(stderr, "xdpkit tune %s: %s\n", a.ifname.c_str(), xdpkit::escape_controls(e.what()).c_str());
    return 1;
  }
}

int revert_cmd(const common_args& a) {
  const auto dir = journal_dir_of(a);
  if (!et::journal::exists(dir, a.ifname)) {
    // A journal named the old way (no namespace in its name) may be this
    // interface's or a same-named one's in another namespace; say so rather
    // than replay someone else's changes.
    const auto legacy = et::journal::legacy_path_for(dir, a.ifname);
    if (std::error_code ec; std::filesystem::exists(legacy, ec)) {
      std::fprintf(stderr,
                   "xdpkit revert %s: %s was written by an older xdpkit and does not say which network namespace "
                   "it belongs to; if it is this namespace's %s, rename it to %s and run revert again\n",
                   a.ifname.c_str(), legacy.c_str(), a.ifname.c_str(),
                   et::journal::path_for(dir, a.ifname).c_str());
      return 1;
    }
    if (a.json_out)
      print(json{{"interface", a.ifname}, {"steps", json::array()}}.dump(2) + "\n");
    else
      print(fmt::format("{}: no journal in {}, nothing to revert\n", a.ifname, dir.string()));
    return 0;
  }
  auto io = et::make_kernel_transport();
  const et::device dev(*io, a.ifname);
  const et::tune_context ctx{dev, topology::host_root(a.root)};
  auto log = et::journal::open(dir, a.ifname,
                               a.force ? et::damage_policy::skip : et::damage_policy::refuse);
  // What --force cannot replay stays readable: a copy before the replay
  // shortens (and at the end removes) the journal.
  std::string kept;
  if (!log.damaged().empty()) {
    kept = log.path().string() + ".damaged";
    std::filesystem::copy_file(log.path(), kept, std::filesystem::copy_options::overwrite_existing);
  }
  try {
    const auto done = et::revert(ctx, log);
    json skipped = json::array();
    for (const auto& d : log.damaged()) skipped.push_back({{"line", d.line}, {"why", d.why}});
    if (a.json_out)
      print(json{{"interface", a.ifname}, {"steps", steps_json(done)}, {"not_replayed", skipped}}.dump(2) + "\n");
    else
      print_steps(done, "reverted");
    if (!log.damaged().empty()) {
      for (const auto& d : log.damaged())
        std::fprintf(stderr, "xdpkit revert %s: not replayed: line %zu (%s)\n", a.ifname.c_str(), d.line, d.why.c_str());
      std::fprintf(stderr,
                   "xdpkit revert %s: what those lines changed, if anything, is not restored; the journal as it was "
                   "is kept in %s (check the device with `xdpkit probe %s`)\n",
                   a.ifname.c_str(), kept.c_str(), a.ifname.c_str());
      return 1;
    }
    return 0;
  } catch (const et::tune_error& e) {
    std::fprintf(stderr, "xdpkit revert %s: %s (the journal %s keeps what is left)\n", a.ifname.c_str(), xdpkit::escape_controls(e.what()).c_str(),
                 log.path().c_str());
    return 1;
  }
}

// Failures before any change (no such interface, no privileges) are setup
// errors: exit 2 with the library's sentence.
template <class F>
int guarded(F f) {
  try {
    return f();
  } catch (const xdpkit::os_error& e) {
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 2;
  } catch (const topology::parse_error& e) {  // a bad --rps/--xps CPU list
    std::fprintf(stderr, "xdpkit: %s\n", xdpkit::escape_controls(e.what()).c_str());
    return 2;
  }
}

}  // namespace

void add_ethtool_commands(CLI::App& app, int& exit_code) {
  auto probe_a = std::make_shared<common_args>();
  auto* probe = app.add_subcommand("probe", "What the NIC's driver can do: queues, rings, RSS, ntuple, XDP, IRQs");
  add_common(probe, *probe_a, false);
  probe->add_flag("--stats", probe_a->stats, "Also print the driver's statistics (ethtool -S) and the kernel's per-queue counters (netdev qstats, Linux 6.10+)");
  probe->callback([probe_a, &exit_code] { exit_code = guarded([&] { return probe_cmd(*probe_a); }); });

  auto tune_a = std::make_shared<tune_args>();
  auto* tune = app.add_subcommand(
      "tune", "Change the NIC for the data plane; every old value is journaled first (undo with `xdpkit revert`)");
  add_common(tune, *tune_a, true, false);  // IF may come after --rss's words: take_interface_from_rss_words
  tune->add_option("--channels", tune_a->channels, "N, or rx=R,tx=T,combined=C,other=O");
  tune->add_option("--rings", tune_a->rings, "rx=R,tx=T");
  tune->add_option("--rss", tune_a->rss, "equal N | weight W0 W1 ... | default (the words up to the next option)")
      ->expected(1, -1);
  // One value per occurrence, so a rule's words stay together and IF can follow.
  tune->add_option("--hash", tune_a->hash, "FLOW=FIELDS, e.g. udp4=sdfn (repeatable)")->allow_extra_args(false);
  tune->add_option("--ntuple", tune_a->ntuple, "\"flow-type udp4 dst-port 53 action 2\" (repeatable, quoted)")
      ->allow_extra_args(false);
  tune->add_option("--rss-key", tune_a->rss_key, "HEX: the whole RSS hash key, e.g. 6d:5a:56:da:... (ethtool -X hkey)");
  tune->add_option("--ntuple-delete", tune_a->ntuple_delete, "LOC: delete the ntuple rule at this location (repeatable)")
      ->allow_extra_args(false);
  tune->add_option("--irq-affinity", tune_a->irq_affinity, "local | CPULIST: one CPU per queue IRQ, round robin");
  tune->add_option("--rps", tune_a->rps, "CPULIST for every rx queue");
  tune->add_option("--xps", tune_a->xps, "CPULIST: tx queue i gets its i-th CPU");
  tune->add_flag("--busy-poll", tune_a->busy_poll, "napi_defer_hard_irqs=2, gro_flush_timeout=200000");
  tune->add_flag("--dry-run", tune_a->dry_run, "Print the plan, change nothing");
  tune->callback([tune_a, &exit_code] {
    exit_code = guarded([&] {
      take_interface_from_rss_words(*tune_a);
      return tune_cmd(*tune_a);
    });
  });

  auto revert_a = std::make_shared<common_args>();
  auto* revert = app.add_subcommand("revert", "Undo every journaled tune of IF, newest first");
  add_common(revert, *revert_a, true);
  revert->add_flag("--force", revert_a->force,
                   "Replay a damaged journal anyway: restore what its good lines record, say which lines were "
                   "not replayed, keep the journal as it was in JOURNAL.damaged, and exit 1. Without it a damaged "
                   "journal (a torn line, a line that is not a step) blocks tune and revert alike");
  revert->callback([revert_a, &exit_code] { exit_code = guarded([&] { return revert_cmd(*revert_a); }); });
}

}  // namespace xdpkit::cli
