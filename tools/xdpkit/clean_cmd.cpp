// SPDX-License-Identifier: Apache-2.0
// xdpkit clean: find and undo what a dead xdpkit left on this host, and say
// what it did (--dry-run: what it would do).
//   - a dead `xdpkit up`'s tune journals (RUN_DIR/up), replayed in the
//     network namespace they were written in, so its devices and its /sys
//   - a dead `up`'s sysctls and cpusets (RUN_DIR/up/<netns>.host.journal),
//     undone in that namespace
//   - a dead `up`'s control socket
//   - XDP programs of xdpkit's no process holds, and libxdp's pins of a
//     dispatcher attached nowhere that hold only xdpkit's programs
//   - lab namespaces (demo, bench, tests) whose creating process is gone
//   - huge-page pools a killed lab had grown (its notes in RUN_DIR)
// Left alone: `xdpkit tune` journals (the user's own changes: `xdpkit
// revert IF`), and anything a live process holds.
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "commands.hpp"
#include "steps_report.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/base/unique_fd.hpp"
#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/ethtool/tune.hpp"
#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/namespace_sysfs.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/lab/pool_note.hpp"
#include "xdpkit/service/control_socket.hpp"
#include "xdpkit/service/host_changes.hpp"
#include "xdpkit/service/host_settings.hpp"
#include "xdpkit/userspace/orphan_xdp.hpp"

namespace xdpkit::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct clean_args {
  std::string run_dir = "/run/xdpkit";
  bool dry_run = false;
  bool json_out = false;
};

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

using journal_name = ethtool::journal::file_name;
const auto parse_journal_name = ethtool::journal::parse_file_name;

std::uint64_t inode_of(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

// A namespace file whose inode is `netns`: a named one (/run/netns), else
// any process's. "" when no namespace has it any more.
std::string find_netns(std::uint64_t netns) {
  for (const auto& n : lab::list_netns())
    if (inode_of("/run/netns/" + n) == netns) return "/run/netns/" + n;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string p = "/proc/" + pid + "/ns/net";
    if (inode_of(p) == netns) return p;
  }
  return "";
}

// Runs `body` in the network namespace whose inode is `netns` (at
// `ns_path`) and returns the JSON it reports, or {"error", "errno"} for what
// it threw. In a child process: setns moves it, and its own mount of sysfs
// shows that namespace's devices (what `ip netns exec` does), so RPS, XPS and
// the NAPI knobs go back on the right interface, and /proc/sys/net is that
// namespace's.
json in_netns(std::uint64_t netns, const std::string& ns_path,
              const std::function<json(const topology::host_root& sys)>& body) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return {{"error", std::string("pipe: ") + std::strerror(errno)}};
  unique_fd rd(fds[0]), wr(fds[1]);
  std::cout.flush();
  const pid_t pid = ::fork();
  if (pid < 0) return {{"error", std::string("fork: ") + std::strerror(errno)}};
  if (pid == 0) {
    rd.reset();
    json out;
    try {
      const bool here = ethtool::journal::current_netns() == netns;
      if (!here) {
        unique_fd ns(::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!ns || ::setns(ns.get(), CLONE_NEWNET) < 0) throw_os_error(errno, "enter network namespace", ns_path);
      }
      std::optional<lab::namespace_sysfs> sysfs;
      if (!here) sysfs.emplace();
      out = body(topology::host_root(here ? fs::path("/") : sysfs->root()));
    } catch (const std::system_error& e) {
      out["error"] = e.what();
      out["errno"] = e.code().value();
    } catch (const std::exception& e) {
      out["error"] = e.what();
    }
    const std::string line = dump(out) + "\n";
    (void)!::write(wr.get(), line.data(), line.size());
    ::_exit(0);
  }
  wr.reset();
  std::string reply;
  char b[4096];
  for (ssize_t n; (n = ::read(rd.get(), b, sizeof(b))) > 0;) reply.append(b, static_cast<std::size_t>(n));
  int status = 0;
  ::waitpid(pid, &status, 0);
  try {
    return json::parse(reply);
  } catch (const std::exception&) {
    return {{"error", "the replay process ended without a report (status " + std::to_string(status) + ")"}};
  }
}

json dry_steps(const ethtool::journal& log, const char* what) {
  json steps = json::array();
  for (auto it = log.entries().rbegin(); it != log.entries().rend(); ++it)
    steps.push_back({{"step", it->value("label", it->value("step", ""))}, {"what", what}, {"changed", true}});
  return steps;
}

// Replays (or, dry, lists) one interface journal in the namespace it was written in.
json replay_journal(const fs::path& dir, const journal_name& j, const std::string& ns_path, bool dry_run) {
  return in_netns(j.netns, ns_path, [&](const topology::host_root& root) {
    auto log = ethtool::journal::open(dir, j.ifname);
    if (dry_run) return json{{"steps", dry_steps(log, "would be put back")}};
    auto io = ethtool::make_kernel_transport();
    const ethtool::device dev(*io, j.ifname);
    return json{{"steps", steps_json(service::revert_host_journal(ethtool::tune_context{dev, root}, log))}};
  });
}

// A dead `up`'s sysctls and cpusets, put back in the namespace it ran in (/proc/sys
// follows the namespace: the live root there), or here when that namespace
// is gone (its net.* went with it; kernel.* and vm.* are the host's).
json replay_settings_journal(const fs::path& path, std::uint64_t netns, const std::string& ns_path, bool dry_run) {
  const auto body = [&](bool gone) {
    auto log = service::open_settings_journal(path);
    if (dry_run) return json{{"steps", dry_steps(log, "would be written back")}};
    return json{{"steps", steps_json(service::revert_settings_journal(topology::host_root("/"), log, gone))}};
  };
  if (ns_path.empty()) {
    try {
      return body(true);
    } catch (const std::system_error& e) {
      return {{"error", e.what()}, {"errno", e.code().value()}};
    } catch (const std::exception& e) {
      return {{"error", e.what()}};
    }
  }
  return in_netns(netns, ns_path, [&](const topology::host_root&) { return body(false); });
}

int clean(const clean_args& a) {
  const bool dry = a.dry_run;
  json journals = json::array(), sockets = json::array(), programs = json::array(), pins = json::array(),
       namespaces = json::array(),
       pools = json::array(), kept = json::array();
  std::string text;
  bool failed = false;
  const auto note = [&](const std::string& line) { text += line + "\n"; };

  // 1. A dead `up`'s journals.
  const fs::path dir = service::service_journal_dir(a.run_dir);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (const auto netns = service::settings_journal_netns(e.path())) {
      const std::string ns = ethtool::journal::current_netns() == *netns ? std::string("(this namespace)") : find_netns(*netns);
      json entry{{"journal", e.path().string()}, {"host_settings", true}, {"netns", *netns},
                 {"namespace", ns.empty() ? "(gone)" : ns}};
      const json r = replay_settings_journal(e.path(), *netns, ns, dry);
      if (r.contains("error")) {
        if (r.value("errno", 0) == EWOULDBLOCK) {
          kept.push_back({{"journal", e.path().string()}, {"why", "a running `xdpkit up` holds it"}});
          note("left " + e.path().string() + ": a running `xdpkit up` holds it");
          continue;
        }
        entry["error"] = r["error"];
        failed = true;
        note(fmt::format("could not put back the host settings of {}: {}", e.path().string(), r["error"].get<std::string>()));
      } else {
        entry["steps"] = r["steps"];
        note(fmt::format("{} the sysctls and cgroups a dead `xdpkit up` set in {}:", dry ? "would put back" : "put back",
                         ns.empty() ? "a namespace that is gone" : ns));
        for (const auto& st : r["steps"])
          note(fmt::format("  {} {}", st["step"].get<std::string>(), st["what"].get<std::string>()));
      }
      journals.push_back(entry);
      continue;
    }
    const auto name = parse_journal_name(e.path());
    if (!name) continue;
    json entry{{"journal", e.path().string()}, {"interface", name->ifname}, {"netns", name->netns}};
    const std::string ns = ethtool::journal::current_netns() == name->netns ? std::string("(this namespace)") : find_netns(name->netns);
    if (ns.empty()) {
      // The huge-page pools are the host's: they go back whatever became of the namespace.
      json pool_steps = json::array();
      std::size_t left = 1;
      try {
        auto log = ethtool::journal::open(dir, name->netns, name->ifname);
        if (dry) {
          for (auto it = log.entries().rbegin(); it != log.entries().rend() && service::is_pool_line(*it); ++it)
            pool_steps.push_back({{"step", it->value("label", "")}, {"what", "would be given back"}, {"changed", true}});
          left = log.size() - pool_steps.size();
        } else {
          pool_steps = steps_json(service::give_back_pools(topology::host_root("/"), log));
          left = log.size();
        }
      } catch (const std::exception& ex) {
        entry["pool_error"] = ex.what();
      }
      for (const auto& st : pool_steps)
        note(fmt::format("{} {}: {}", dry ? "would give back" : "gave back", st["step"].get<std::string>(),
                         st["what"].get<std::string>()));
      entry["steps"] = pool_steps;
      if (left == 0 && !entry.contains("pool_error")) {
        journals.push_back(entry);
        continue;
      }
      entry["error"] = "its network namespace (inode " + std::to_string(name->netns) +
                       ") no longer exists: its virtual devices went with it, a physical NIC went back to the "
                       "initial namespace with the values the journal holds (check it with `xdpkit probe`); "
                       "the journal is kept for you to read and delete";
      failed = true;
      note(fmt::format("kept {}: {}", e.path().string(), entry["error"].get<std::string>()));
      journals.push_back(entry);
      continue;
    }
    const json r = replay_journal(dir, *name, ns, dry);
    entry["namespace"] = ns;
    if (r.contains("error")) {
      const std::string err = r["error"];
      // A live `up` holds its journal locked: it is not a dead one's.
      if (r.value("errno", 0) == EWOULDBLOCK) {
        kept.push_back({{"journal", e.path().string()}, {"why", "a running `xdpkit up` holds it"}});
        note("left " + e.path().string() + ": a running `xdpkit up` holds it");
        continue;
      }
      entry["error"] = err;
      failed = true;
      note(fmt::format("could not put back {} ({}): {}", name->ifname, ns, err));
    } else {
      entry["steps"] = r["steps"];
      note(fmt::format("{} {} in {} ({} step(s) a dead `xdpkit up` left):", dry ? "would put back" : "put back",
                       name->ifname, ns, r["steps"].size()));
      for (const auto& s : r["steps"]) note(fmt::format("  {} {}", s["step"].get<std::string>(), s["what"].get<std::string>()));
    }
    journals.push_back(entry);
  }

  // 2. A dead `up`'s control socket.
  const fs::path sock = service::control_socket_path(a.run_dir);
  if (fs::is_socket(sock, ec)) {
    bool live = true;
    try {
      (void)service::control_request(sock, "status", std::chrono::milliseconds(2000));
    } catch (const std::exception&) {
      live = false;
    }
    if (!live) {
      if (!dry) fs::remove(sock, ec);
      sockets.push_back(sock.string());
      note((dry ? "would remove " : "removed ") + sock.string() + " (no service answers on it)");
    }
  }

  // 3. XDP programs of xdpkit's that no process holds, in this namespace and
  // every named one (before stale lab namespaces go: a deleted namespace takes
  // its interfaces' programs, but not libxdp's pins of a dispatcher).
  std::vector<std::string> where{""};
  for (const auto& n : lab::list_netns()) where.push_back(n);
  for (const auto& ns : where) {
    try {
      std::optional<lab::netns_scope> in;
      if (!ns.empty()) in.emplace(ns);
      for (const auto& o : find_orphaned_xdpkit_programs()) {
        json p{{"namespace", ns.empty() ? "(this namespace)" : ns}, {"interface", o.ifname}, {"prog_id", o.prog_id},
               {"name", o.name}, {"mode", o.mode}, {"dispatcher", o.in_dispatcher}};
        const std::string what = fmt::format("{} (program {}, {}{}) on {}{}", o.name, o.prog_id, o.mode,
                                             o.in_dispatcher ? ", in libxdp's dispatcher" : ", by netlink", o.ifname,
                                             ns.empty() ? "" : " in " + ns);
        if (!dry) {
          try {
            detach_orphan(o);
          } catch (const std::exception& e) {
            p["error"] = e.what();
            failed = true;
            note("could not detach " + what + ": " + e.what());
            programs.push_back(p);
            continue;
          }
        }
        programs.push_back(p);
        note((dry ? "would detach " : "detached ") + what + ": no process holds it");
      }
    } catch (const std::exception& e) {
      failed = true;
      note("could not look for XDP programs" + (ns.empty() ? std::string() : " in " + ns) + ": " + e.what());
    }
  }

  // 3b. libxdp's pins of a dispatcher attached nowhere (its interface was
  // deleted under it): looked for in every namespace a process or a name
  // holds, since the dispatcher may be attached in any of them.
  {
    std::set<std::uint32_t> attached;
    bool complete = true;
    std::set<std::uint64_t> seen;
    std::vector<std::string> paths{"/proc/thread-self/ns/net"};
    for (const auto& n : lab::list_netns()) paths.push_back("/run/netns/" + n);
    for (const auto& e : fs::directory_iterator("/proc", ec))
      if (e.path().filename().string().find_first_not_of("0123456789") == std::string::npos)
        paths.push_back((e.path() / "ns/net").string());
    unique_fd home(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    for (const auto& p : paths) {
      const std::uint64_t ino = inode_of(p);
      if (!ino || !seen.insert(ino).second) continue;
      unique_fd ns(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
      if (!ns) continue;  // the process went meanwhile
      try {
        if (::setns(ns.get(), CLONE_NEWNET) < 0) throw_os_error(errno, "enter network namespace", p);
        const auto ids = attached_xdp_program_ids();
        attached.insert(ids.begin(), ids.end());
      } catch (const std::exception& ex) {
        complete = false;
        note("could not list the XDP programs of " + p + ": " + ex.what());
      }
      if (home && ::setns(home.get(), CLONE_NEWNET) < 0) {
        failed = true;
        note(std::string("could not return to clean's own network namespace: ") + std::strerror(errno));
        break;
      }
    }
    // A namespace that could not be read may hold the dispatcher: nothing is removed then.
    for (const auto& st : complete ? find_stale_dispatcher_pins(attached) : std::vector<stale_dispatcher_pins>{}) {
      json p{{"dir", st.dir}, {"ifindex", st.ifindex}, {"dispatcher_id", st.dispatcher_id}, {"programs", st.programs}};
      std::string names;
      for (const auto& n : st.programs) names += (names.empty() ? "" : ", ") + n;
      if (!st.all_xdpkit) {
        kept.push_back({{"pins", st.dir}, {"why", "a dispatcher attached nowhere, holding others' programs (" + names +
                                                      "): libxdp's, not xdpkit's; `rm -r " + st.dir + "` frees them"}});
        note("left " + st.dir + ": a dispatcher attached nowhere, with others' programs (" + names + "); `rm -r " +
             st.dir + "` frees them");
        continue;
      }
      if (!dry) {
        try {
          remove_dispatcher_pins(st);
        } catch (const std::exception& ex) {
          p["error"] = ex.what();
          failed = true;
          note("could not remove " + st.dir + ": " + ex.what());
          pins.push_back(p);
          continue;
        }
      }
      pins.push_back(p);
      note((dry ? "would remove " : "removed ") + st.dir + " (libxdp's pins of " + names +
           " in a dispatcher no interface runs any more)");
    }
  }

  // 4. Lab namespaces whose creator is gone.
  for (const auto& ns : lab::stale_lab_netns()) {
    if (!dry && lab::run_command({"ip", "netns", "del", ns}).status != 0) {
      failed = true;
      note("could not delete namespace " + ns);
      continue;
    }
    namespaces.push_back(ns);
    note((dry ? "would delete namespace " : "deleted namespace ") + ns + " (its lab's process is gone)");
  }

  // 5. Huge-page pools a killed lab grew.
  if (dry) {
    for (const auto& n : lab::stale_pool_notes(a.run_dir)) {
      pools.push_back(n);
      note("would put back the huge-page pool noted in " + n);
    }
  } else {
    for (const auto& n : lab::restore_stale_pool_notes(topology::host_root("/"), a.run_dir)) {
      pools.push_back(n);
      note(n);
    }
  }

  // Left for the user: `xdpkit tune`'s journals.
  for (const auto& e : fs::directory_iterator(a.run_dir, ec)) {
    const auto name = parse_journal_name(e.path());
    if (!name || !e.is_regular_file()) continue;
    kept.push_back({{"journal", e.path().string()}, {"why", "a `xdpkit tune` of " + name->ifname + ": undo it with `xdpkit revert " + name->ifname + "`"}});
    note("left " + e.path().string() + ": a `xdpkit tune` of " + name->ifname + " (undo it with `xdpkit revert " + name->ifname + "`)");
  }

  if (a.json_out) {
    std::cout << dump({{"dry_run", dry},
                       {"journals", journals},
                       {"control_sockets", sockets},
                       {"xdp_programs", programs},
                       {"dispatcher_pins", pins},
                       {"namespaces", namespaces},
                       {"hugepage_pools", pools},
                       {"left", kept},
                       {"ok", !failed}})
              << "\n";
  } else {
    std::cout << (text.empty() ? "nothing to clean: no dead xdpkit left anything here\n" : text);
  }
  return failed ? 1 : 0;
}

}  // namespace

void add_clean_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<clean_args>();
  CLI::App* cmd = app.add_subcommand(
      "clean",
      "Find and undo what a dead xdpkit left, and say what was done:\n"
      "  a killed `xdpkit up`'s NIC changes, sysctls and cpusets (its journals in RUN_DIR/up, replayed in the network\n"
      "  namespace they were made in), its control socket, lab namespaces whose process is gone (demo, bench, tests),\n"
      "  huge-page pools a killed lab grew, and XDP programs of xdpkit's (named xdpkit_...) that no process\n"
      "  holds: attached by netlink or in libxdp's dispatcher, in this namespace or a named one (a BPF link\n"
      "  dies with its process; others' programs are never touched), and libxdp's bpffs pins of a dispatcher\n"
      "  whose interface was deleted, when every program pinned there is xdpkit's. A running `up`'s journal, and\n"
      "  `xdpkit tune`'s journals (your own changes: `xdpkit revert IF`), are left and named.\n"
      "Exit codes: 0 everything found was undone (or nothing was found), 1 something could not be undone.");
  cmd->add_option("--run-dir", a->run_dir, "The run directory the dead service used")->capture_default_str();
  cmd->add_flag("--dry-run", a->dry_run, "Say what would be undone, change nothing");
  cmd->add_flag("--json", a->json_out,
                "One JSON object: journals, control_sockets, xdp_programs, dispatcher_pins, namespaces, hugepage_pools, "
                "left, ok");
  cmd->callback([a, &exit_code] { exit_code = clean(*a); });
}

}  // namespace xdpkit::cli
