// SPDX-License-Identifier: Apache-2.0
// xdpkit diag: everything xdpkit knows about this host and network namespace
// in one document, for a bug report or a 3 a.m. look: versions, the
// topology and the validator's verdict, each interface's probe and its
// attached XDP programs (xdpkit's and others'), every AF_XDP socket (the
// kernel's xsk diag), the journals (tune's and a service's, held or not), a
// running service's status. Read-only; a part that cannot be read says why
// and the rest is still printed.
#include <fcntl.h>
#include <fmt/format.h>
#include <net/if.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "xdpkit/base/unique_fd.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/ethtool/probe.hpp"
#include "xdpkit/ethtool/transport.hpp"
#include "xdpkit/service/control_socket.hpp"
#include "xdpkit/service/host_changes.hpp"
#include "xdpkit/service/metrics.hpp"
#include "xdpkit/topology/host.hpp"
#include "xdpkit/topology/json.hpp"
#include "xdpkit/topology/validator.hpp"
#include "xdpkit/userspace/host_xdp.hpp"

#ifndef XDPKIT_LIBXDP_VERSION
#define XDPKIT_LIBXDP_VERSION "unknown"
#endif

namespace xdpkit::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct diag_args {
  std::string run_dir = "/run/xdpkit";
  std::string root = "/";
  bool json_out = false;
};

std::string dump(const json& j, int indent = -1) { return j.dump(indent, ' ', false, json::error_handler_t::replace); }

// One part of the document: its value, or {"error": why} when it cannot be read.
json part(const std::function<json()>& read) {
  try {
    return read();
  } catch (const std::exception& e) {
    return {{"error", e.what()}};
  }
}

json versions() {
  utsname u{};
  ::uname(&u);
  return {{"xdpkit", service::kVersion},
          {"kernel", std::string(u.release) + " " + u.version},
          {"machine", u.machine},
          {"libbpf", libbpf_version_string()},
          {"libxdp", XDPKIT_LIBXDP_VERSION " (built against)"}};
}

json journals(const fs::path& run_dir) {
  json out = json::array();
  for (const auto& [dir, kind] : {std::pair{run_dir, "tune"}, std::pair{service::service_journal_dir(run_dir), "service"}}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const auto name = ethtool::journal::parse_file_name(e.path());
      if (!name) continue;
      json j{{"path", e.path().string()}, {"kind", kind}, {"interface", name->ifname}, {"netns", name->netns}};
      // A shared lock fails while a tune or a running service holds it.
      unique_fd fd(::open(e.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
      if (fd) {
        const bool held = ::flock(fd.get(), LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
        j["held"] = held;
        std::string text;
        char b[4096];
        for (ssize_t n; (n = ::read(fd.get(), b, sizeof(b))) > 0 && text.size() < (1u << 20);) text.append(b, static_cast<std::size_t>(n));
        const auto parsed = ethtool::parse_journal_text(text);
        json steps = json::array();
        for (const auto& s : parsed.entries) steps.push_back(s.value("step", ""));
        j["steps"] = steps;
        j["damaged_lines"] = parsed.damaged.size();
      }
      out.push_back(j);
    }
  }
  return out;
}

json xdp_programs() {
  json out = json::array();
  for (const auto& p : list_attached_xdp_programs())
    out.push_back({{"interface", p.ifname}, {"ifindex", p.ifindex}, {"mode", p.mode}, {"id", p.prog_id},
                   {"name", p.name}, {"tag", p.tag}, {"xdpkit", p.xdpkit}});
  return out;
}

json xsk_sockets() {
  json out = json::array();
  for (const auto& s : list_xsk_sockets()) {
    json j{{"inode", s.inode}, {"cookie", s.cookie}, {"interface", s.ifname}};
    if (s.ifindex) j["ifindex"] = *s.ifindex;
    if (s.queue) j["queue"] = *s.queue;
    if (s.uid) j["uid"] = *s.uid;
    const auto put = [&](const char* k, const std::optional<std::uint32_t>& v) {
      if (v) j["rings"][k] = *v;
    };
    put("rx", s.rx_ring);
    put("tx", s.tx_ring);
    put("fill", s.fill_ring);
    put("completion", s.completion_ring);
    if (s.umem)
      j["umem"] = {{"id", s.umem->id}, {"bytes", s.umem->size}, {"chunk_size", s.umem->chunk_size},
                   {"headroom", s.umem->headroom}, {"zero_copy", (s.umem->flags & XDP_DU_F_ZEROCOPY) != 0},
                   {"sockets", s.umem->refs}};
    if (s.stats)
      j["stats"] = {{"rx_dropped", s.stats->n_rx_dropped}, {"rx_invalid", s.stats->n_rx_invalid},
                    {"rx_ring_full", s.stats->n_rx_full}, {"fill_ring_empty", s.stats->n_fill_ring_empty},
                    {"tx_invalid", s.stats->n_tx_invalid}, {"tx_ring_empty", s.stats->n_tx_ring_empty}};
    out.push_back(j);
  }
  return out;
}

json service_status(const fs::path& run_dir) {
  const fs::path sock = service::control_socket_path(run_dir);
  std::error_code ec;
  if (!fs::exists(sock, ec)) return nullptr;
  return json::parse(service::control_request(sock, "status", std::chrono::milliseconds(3000)));
}

std::string text_of(const json& d) {
  std::string t;
  const auto& v = d["versions"];
  t += fmt::format("xdpkit {}, kernel {}, libbpf {}, libxdp {}\n", v.value("xdpkit", "?"), v.value("kernel", "?"),
                   v.value("libbpf", "?"), v.value("libxdp", "?"));
  const auto error_of = [](const json& j) { return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : ""; };
  if (const auto e = error_of(d["validation"]); !e.empty()) t += "validation: cannot be read: " + e + "\n";
  else
    for (const auto& c : d["validation"]["checks"])
      if (c.value("severity", "ok") != "ok")
        t += fmt::format("validate {:<8} {}: {}\n", c.value("severity", ""), c.value("id", ""), c.value("summary", ""));
  for (const auto& i : d["interfaces"]) {
    const auto& p = i["probe"];
    std::string driver = p.is_object() && p.contains("driver") && p["driver"].is_object() ? p["driver"].value("name", "?") : "?";
    t += fmt::format("interface {} (driver {})\n", i["name"].get<std::string>(), driver);
  }
  if (const auto e = error_of(d["xdp_programs"]); !e.empty()) t += "XDP programs: cannot be read: " + e + "\n";
  else if (d["xdp_programs"].empty()) t += "  no XDP program is attached in this network namespace\n";
  else
    for (const auto& p : d["xdp_programs"])
      t += fmt::format("  XDP on {:<12} {:<8} id {:<6} {}{}\n", p["interface"].get<std::string>(), p["mode"].get<std::string>(),
                       p["id"].get<std::uint32_t>(), p["name"].get<std::string>(), p["xdpkit"].get<bool>() ? " (xdpkit)" : " (not xdpkit's)");
  if (const auto e = error_of(d["xsk_sockets"]); !e.empty()) t += "AF_XDP sockets: cannot be read: " + e + "\n";
  else
    for (const auto& s : d["xsk_sockets"])
      t += fmt::format("  AF_XDP socket inode {} on {} queue {}{}\n", s["inode"].get<std::uint32_t>(),
                       s.value("interface", std::string("?")), s.contains("queue") ? std::to_string(s["queue"].get<std::uint32_t>()) : "-",
                       s.contains("umem") ? fmt::format(", UMEM {} bytes{}", s["umem"]["bytes"].get<std::uint64_t>(),
                                                        s["umem"]["zero_copy"].get<bool>() ? ", zero-copy" : ", copy")
                                          : "");
  for (const auto& j : d["journals"])
    t += fmt::format("  journal {} ({} of {}, {} step(s){})\n", j["path"].get<std::string>(), j["kind"].get<std::string>(),
                     j["interface"].get<std::string>(), j.contains("steps") ? j["steps"].size() : 0,
                     j.value("held", false) ? ", held by a running xdpkit" : "");
  if (d["service"].is_object() && !d["service"].contains("error"))
    t += fmt::format("  service: running {}\n", d["service"].value("config", std::string("?")));
  t += "(everything, topology included: xdpkit diag --json)\n";
  return t;
}

int diag(const diag_args& a) {
  const topology::host_root root(a.root);
  json d{{"schema", "xdpkit.diag/1"}, {"versions", versions()}};
  std::optional<topology::host_snapshot> host;
  d["topology"] = part([&] {
    host = topology::read_host(root);
    return topology::topology_json(*host);
  });
  d["validation"] = part([&] {
    if (!host) throw std::runtime_error("the topology could not be read");
    return topology::validation_json(topology::validate_host(root, *host, {}));
  });
  json ifs = json::array();
  {
    auto io = ethtool::make_kernel_transport();
    struct if_nameindex* list = if_nameindex();
    for (const struct if_nameindex* i = list; list && i->if_index; ++i) {
      if (std::string(i->if_name) == "lo") continue;
      const ethtool::device dev(*io, i->if_name);
      ethtool::probe_options po;
      po.root = root;
      ifs.push_back({{"name", i->if_name}, {"ifindex", i->if_index}, {"probe", part([&] { return json(ethtool::probe(dev, po)); })}});
    }
    if (list) if_freenameindex(list);
  }
  d["interfaces"] = ifs;
  d["xdp_programs"] = part(xdp_programs);
  d["xsk_sockets"] = part(xsk_sockets);
  d["journals"] = part([&] { return journals(a.run_dir); });
  d["service"] = part([&] { return service_status(a.run_dir); });
  std::cout << (a.json_out ? dump(d, 2) + "\n" : text_of(d));
  return 0;
}

}  // namespace

void add_diag_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<diag_args>();
  CLI::App* cmd = app.add_subcommand(
      "diag",
      "Everything xdpkit knows about this host and network namespace, in one document: versions (kernel,\n"
      "libbpf, libxdp), topology and the validator's checks, each interface's probe, the XDP programs attached\n"
      "(xdpkit's and others'), every AF_XDP socket (the kernel's xsk diag: queue, rings, UMEM, drops), the\n"
      "journals (held or not), a running `xdpkit up`'s status. Read-only. Attach the --json output to a bug\n"
      "report. Run it in the namespace of interest: ip netns exec NS xdpkit diag");
  cmd->add_option("--run-dir", a->run_dir, "Where tune and up keep their journals and the control socket")->capture_default_str();
  cmd->add_option("--root", a->root, "Read /sys and /proc under this directory for the topology, validator and probes")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  cmd->add_flag("--json", a->json_out, "The whole document as JSON (schema xdpkit.diag/1)");
  cmd->callback([a, &exit_code] { exit_code = diag(*a); });
}

}  // namespace xdpkit::cli
