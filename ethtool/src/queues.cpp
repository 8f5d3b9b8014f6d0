// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/queues.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "xdpkit/topology/error.hpp"

namespace xdpkit::ethtool {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool has_token(const std::string& name, std::string_view token) {
  // A token is delimited by non-alphanumerics, so "tx" does not match "txrx".
  for (auto at = name.find(token); at != std::string::npos; at = name.find(token, at + 1)) {
    const auto end = at + token.size();
    const bool left = at == 0 || !std::isalpha(static_cast<unsigned char>(name[at - 1]));
    const bool right = end == name.size() || !std::isalpha(static_cast<unsigned char>(name[end]));
    if (left && right) return true;
  }
  return false;
}

// The number at the end of the name's queue part ("-3", ".1", "comp3"),
// ignoring an "@pci:..." suffix (mlx5).
std::optional<int> trailing_number(std::string_view name) {
  if (auto at = name.find('@'); at != std::string_view::npos) name = name.substr(0, at);
  std::size_t end = name.size();
  std::size_t begin = end;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(name[begin - 1]))) --begin;
  if (begin == end || end - begin > 6) return std::nullopt;
  int v = 0;
  std::from_chars(name.data() + begin, name.data() + end, v);
  return v;
}

std::optional<std::string> read_line(const topology::host_root& root, const std::string& path) {
  return root.try_read_line(path);
}

template <class T>
std::optional<T> read_number(const topology::host_root& root, const std::string& path) {
  const auto line = read_line(root, path);
  if (!line) return std::nullopt;
  T v{};
  auto [p, ec] = std::from_chars(line->data(), line->data() + line->size(), v);
  if (ec != std::errc{} || p != line->data() + line->size())
    throw topology::parse_error("number", path, xdpkit::quote(*line) + " is not a number");
  return v;
}

std::optional<topology::cpu_set> read_mask(const topology::host_root& root, const std::string& path) {
  const auto line = read_line(root, path);
  if (!line) return std::nullopt;
  return topology::cpu_set::parse_mask(*line, path);
}

std::string net_dir(std::string_view ifname) { return "/sys/class/net/" + std::string(ifname); }

std::string queue_file(std::string_view ifname, const char* kind, unsigned q, const char* file) {
  return net_dir(ifname) + "/queues/" + kind + "-" + std::to_string(q) + "/" + file;
}

std::vector<unsigned> queue_indices(const topology::host_root& root, std::string_view ifname,
                                    std::string_view prefix) {
  std::vector<unsigned> out;
  for (const auto& e : root.list(net_dir(ifname) + "/queues")) {
    if (e.rfind(prefix, 0) != 0) continue;
    unsigned v = 0;
    const auto num = std::string_view(e).substr(prefix.size());
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec == std::errc{} && p == num.data() + num.size()) out.push_back(v);
  }
  std::sort(out.begin(), out.end());  // "rx-10" sorts before "rx-2" as text
  return out;
}

}  // namespace

irq_role classify_irq(std::string_view raw) {
  const std::string name = lower(raw);
  irq_role r;
  const auto n = trailing_number(name);
  const bool both = has_token(name, "txrx") || has_token(name, "rxtx") || has_token(name, "comp") ||
                    has_token(name, "combined") || has_token(name, "fp") || has_token(name, "queue");
  const bool rx = has_token(name, "rx") || has_token(name, "input");
  const bool tx = has_token(name, "tx") || has_token(name, "output");
  // "virtio0-config", "eth0" (link), "i40e-0000:3b:00.0:misc": not queue IRQs.
  if (!n || has_token(name, "config") || has_token(name, "misc") || has_token(name, "link") ||
      has_token(name, "mbx") || has_token(name, "async") || has_token(name, "ctrl"))
    return r;
  if (both || name.find("comp") != std::string::npos) {
    r.direction = "rx+tx";
  } else if (rx && !tx) {
    r.direction = "rx";
  } else if (tx && !rx) {
    r.direction = "tx";
  } else if (name.find('-') != std::string::npos && !rx && !tx) {
    // "ens1f0-3": one vector per queue pair without a direction word.
    r.direction = "rx+tx";
  } else {
    return r;
  }
  r.queue = *n;
  return r;
}

queue_report read_queues(const topology::host_root& root, std::string_view ifname) {
  queue_report rep;
  rep.nic = topology::read_nic(root, ifname);
  for (const auto& i : rep.nic.irqs) {
    queue_irq q;
    q.irq = i.irq;
    q.name = i.name;
    q.role = classify_irq(i.name);
    if (i.affinity) {
      q.affinity = i.affinity->affinity;
      q.effective = i.affinity->effective;
    }
    rep.irqs.push_back(std::move(q));
  }
  for (unsigned q : queue_indices(root, ifname, "rx-")) {
    rx_queue r;
    r.index = q;
    r.rps_cpus = read_mask(root, queue_file(ifname, "rx", q, "rps_cpus"));
    r.rps_flow_cnt = read_number<std::uint32_t>(root, queue_file(ifname, "rx", q, "rps_flow_cnt"));
    rep.rx.push_back(std::move(r));
  }
  for (unsigned q : queue_indices(root, ifname, "tx-")) {
    tx_queue t;
    t.index = q;
    t.xps_cpus = read_mask(root, queue_file(ifname, "tx", q, "xps_cpus"));
    rep.tx.push_back(std::move(t));
  }
  rep.napi_defer_hard_irqs = read_number<std::uint32_t>(root, net_dir(ifname) + "/napi_defer_hard_irqs");
  rep.gro_flush_timeout_ns = read_number<std::uint64_t>(root, net_dir(ifname) + "/gro_flush_timeout");
  return rep;
}

void write_rps_cpus(const topology::host_root& root, std::string_view ifname, unsigned queue,
                    const topology::cpu_set& cpus) {
  root.write(queue_file(ifname, "rx", queue, "rps_cpus"), cpus.to_mask());
}

void write_xps_cpus(const topology::host_root& root, std::string_view ifname, unsigned queue,
                    const topology::cpu_set& cpus) {
  root.write(queue_file(ifname, "tx", queue, "xps_cpus"), cpus.to_mask());
}

void write_napi_defer_hard_irqs(const topology::host_root& root, std::string_view ifname, std::uint32_t n) {
  root.write(net_dir(ifname) + "/napi_defer_hard_irqs", std::to_string(n));
}

void write_gro_flush_timeout(const topology::host_root& root, std::string_view ifname, std::uint64_t ns) {
  root.write(net_dir(ifname) + "/gro_flush_timeout", std::to_string(ns));
}

}  // namespace xdpkit::ethtool
