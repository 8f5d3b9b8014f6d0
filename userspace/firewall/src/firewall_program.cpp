// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/firewall/firewall_program.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <sched.h>

#include <thread>

#include "xdpkit/bpf/firewall.skel.h"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/mmap_region.hpp"
#include "xdpkit/userspace/percpu.hpp"
#include "xdpkit/userspace/skeleton.hpp"

namespace xdpkit::firewall {

using fw_skeleton = skeleton<::firewall, firewall__open, firewall__destroy>;

struct firewall_program::state {
  fw_skeleton skel;
  std::optional<xdp_attachment> attachment;  // after skel: detached first
  // LPM keys written into each set, so the next apply() can remove them.
  std::array<std::vector<xdpkit_fw_lpm6>, 2> keys6;
  // Each set's IPv4 direct table, mapped: apply() writes it with memcpy.
  std::array<mmap_region, 2> v4_top;
  std::array<mmap_region, 2> v4_chunks;
  std::chrono::steady_clock::time_point last_flip{};
};

firewall_program::firewall_program(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
firewall_program::firewall_program(firewall_program&&) noexcept = default;
firewall_program& firewall_program::operator=(firewall_program&&) noexcept = default;
firewall_program::~firewall_program() = default;

std::unique_ptr<firewall_program::state> firewall_program::open_state(const program_options& o) {
  auto st = std::unique_ptr<state>(new state{fw_skeleton::open("firewall"), std::nullopt, {}, {}, {}, {}});
  st->skel->rodata->record_last = o.record_last ? 1 : 0;
  st->skel->rodata->no_socket_action = o.no_socket_pass ? XDP_PASS : XDP_DROP;
  return st;
}

namespace {
mmap_region map_table(const bpf_map* map, const char* name) {
  const std::size_t size = std::size_t{bpf_map__max_entries(map)} * bpf_map__value_size(map);
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
  if (p == MAP_FAILED) throw_os_error(errno, "map the firewall's IPv4 table", name, "the kernel needs BPF_F_MMAPABLE arrays (5.5+)");
  return mmap_region(p, size);
}

// After load: one table of each set, mapped into this process.
std::array<mmap_region, 2> map_tables(const bpf_map* a, const bpf_map* b) {
  return {map_table(a, bpf_map__name(a)), map_table(b, bpf_map__name(b))};
}

void write_initial_config(::firewall* skel) {
  const std::uint32_t zero = 0;
  xdpkit_fw_config cfg{};
  cfg.active = 0;
  cfg.default_action[0] = cfg.default_action[1] = XDPKIT_FW_PASS;
  cfg.not_ip_action[0] = cfg.not_ip_action[1] = XDPKIT_FW_PASS;
  if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, BPF_ANY))
    throw_os_error(errno, "initialise firewall config", "config map");
}
}  // namespace

std::map<std::uint32_t, int> resolve_ports(const rule_set& rules, const std::map<std::uint32_t, std::string>& names,
                                           const std::set<std::uint32_t>& filled_elsewhere) {
  std::map<std::uint32_t, int> ports;
  std::set<std::uint32_t> filled = filled_elsewhere;
  for (const auto& [slot, name] : names) {
    const unsigned ifindex = if_nametoindex(name.c_str());
    if (!ifindex) throw_os_error(errno, "find redirect-dev port " + std::to_string(slot), name);
    ports[slot] = static_cast<int>(ifindex);
    filled.insert(slot);
  }
  require_ports(rules, filled);
  return ports;
}

void firewall_program::finish_load(state& st) {
  st.v4_top = map_tables(st.skel->maps.v4_top_a, st.skel->maps.v4_top_b);
  st.v4_chunks = map_tables(st.skel->maps.v4_chunks_a, st.skel->maps.v4_chunks_b);
  write_initial_config(st.skel.get());
}

firewall_program firewall_program::load(const program_options& options) {
  auto st = open_state(options);
  // One variant loads (a kernel without xdp.frags still loads the other).
  bpf_program__set_autoload(options.multi_buffer ? st->skel->progs.xdpkit_firewall : st->skel->progs.xdpkit_fw_mb, false);
  if (int err = firewall__load(st->skel.get()))
    throw_os_error(errno_of(err), "load the firewall program", "bpf/firewall.bpf.c",
                   "run with XDPKIT_DEBUG=1 for the verifier log");
  finish_load(*st);
  return firewall_program(std::move(st));
}

firewall_program firewall_program::attach(const std::string& ifname, xdp_mode_request mode,
                                          const program_options& options) {
  unsigned ifindex = if_nametoindex(ifname.c_str());
  if (!ifindex) throw_os_error(errno, "find interface", ifname);
  auto st = open_state(options);
  st->attachment.emplace(
      xdp_attachment::attach(st->skel->obj, options.multi_buffer ? "xdpkit_fw_mb" : "xdpkit_firewall",
                             static_cast<int>(ifindex), ifname, mode));
  finish_load(*st);
  return firewall_program(std::move(st));
}

std::uint32_t firewall_program::active_set() const {
  const std::uint32_t zero = 0;
  xdpkit_fw_config cfg{};
  if (bpf_map_lookup_elem(bpf_map__fd(s_->skel->maps.config), &zero, &cfg))
    throw_os_error(errno, "read firewall config", "config map");
  return cfg.active & 1;
}

void firewall_program::apply(const compiled_rules& rules) {
  auto& skel = s_->skel;
  const std::uint32_t zero = 0;
  xdpkit_fw_config cfg{};
  if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.config), &zero, &cfg))
    throw_os_error(errno, "read firewall config", "config map");
  const std::uint32_t next = (cfg.active & 1) ^ 1;
  // The set we are about to rewrite was live until the previous flip; packets
  // that started on it then are long done after this grace period.
  const auto since = std::chrono::steady_clock::now() - s_->last_flip;
  if (since < std::chrono::milliseconds(10)) std::this_thread::sleep_for(std::chrono::milliseconds(10) - since);

  const int rules_fd = bpf_map__fd(next ? skel->maps.rules_b : skel->maps.rules_a);
  const int groups_fd = bpf_map__fd(next ? skel->maps.groups_b : skel->maps.groups_a);
  const int dst6_fd = bpf_map__fd(next ? skel->maps.dst6_b : skel->maps.dst6_a);
  for (const auto& k : s_->keys6[next]) bpf_map_delete_elem(dst6_fd, &k);
  s_->keys6[next].clear();
  for (std::uint32_t i = 0; i < rules.rules.size(); ++i)
    if (bpf_map_update_elem(rules_fd, &i, &rules.rules[i], BPF_ANY))
      throw_os_error(errno, "write firewall rule " + std::to_string(i), "rules map");
  for (std::uint32_t i = 0; i < rules.groups.size(); ++i)
    if (bpf_map_update_elem(groups_fd, &i, &rules.groups[i], BPF_ANY))
      throw_os_error(errno, "write firewall group " + std::to_string(i), "groups map");
  const auto& v4 = rules.v4;
  if (v4.top.size() != XDPKIT_FW_V4_TOP_ENTRIES || v4.chunks.size() * sizeof(std::uint32_t) > s_->v4_chunks[next].size())
    throw std::invalid_argument("firewall apply: IPv4 table of the wrong size (not from compile())");
  std::memcpy(s_->v4_top[next].data(), v4.top.data(), v4.top.size() * sizeof(std::uint32_t));
  std::memcpy(s_->v4_chunks[next].data(), v4.chunks.data(), v4.chunks.size() * sizeof(std::uint32_t));
  for (const auto& [key, gid] : rules.dst6) {
    if (bpf_map_update_elem(dst6_fd, &key, &gid, BPF_ANY))
      throw_os_error(errno, "write IPv6 destination prefix", "dst6 trie");
    s_->keys6[next].push_back(key);
  }
  cfg.default_action[next] = rules.default_action;
  cfg.not_ip_action[next] = rules.not_ip_action;
  cfg.default_slot[next] = rules.default_slot;
  cfg.not_ip_slot[next] = rules.not_ip_slot;
  cfg.active = next;
  // The one write that switches every packet to the new set.
  if (bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, BPF_ANY))
    throw_os_error(errno, "switch firewall rule set", "config map");
  s_->last_flip = std::chrono::steady_clock::now();
}

void firewall_program::bind_queue(std::uint32_t queue, int xsk_fd) {
  if (queue >= XDPKIT_MAX_QUEUES)
    throw_os_error(EINVAL, "steer queue " + std::to_string(queue) + " to AF_XDP", "firewall",
                   "queues above " + std::to_string(XDPKIT_MAX_QUEUES - 1) + " are not supported");
  if (bpf_map_update_elem(bpf_map__fd(s_->skel->maps.fw_xsks), &queue, &xsk_fd, BPF_ANY))
    throw_os_error(errno, "insert AF_XDP socket for queue " + std::to_string(queue), "firewall fw_xsks map");
}

void firewall_program::unbind_queue(std::uint32_t queue) noexcept {
  bpf_map_delete_elem(bpf_map__fd(s_->skel->maps.fw_xsks), &queue);
}

void firewall_program::set_port(std::uint32_t slot, int ifindex) {
  if (bpf_map_update_elem(bpf_map__fd(s_->skel->maps.fw_ports), &slot, &ifindex, BPF_ANY))
    throw_os_error(errno, "set redirect-dev slot " + std::to_string(slot) + " to ifindex " + std::to_string(ifindex),
                   "firewall fw_ports devmap", "the target needs XDP support (ndo_xdp_xmit)");
}

std::vector<std::pair<std::string, int>> firewall_program::map_fds() const {
  return s_->skel.map_fds();
}

const xdp_attachment& firewall_program::attachment() const {
  if (!s_->attachment) throw std::logic_error("firewall_program: loaded for BPF_PROG_RUN, not attached");
  return *s_->attachment;
}

void firewall_program::detach() noexcept { s_->attachment.reset(); }

int firewall_program::program_fd() const noexcept { return bpf_program__fd(s_->skel->progs.xdpkit_firewall); }

xdpkit_fw_stats firewall_program::stats() const {
  xdpkit_fw_stats sum{};
  for (const auto& c : read_percpu<xdpkit_fw_stats>(bpf_map__fd(s_->skel->maps.fw_stats), 0, "firewall fw_stats")) {
    sum.rx += c.rx;
    for (int i = 0; i < XDPKIT_FW_NR_VERDICTS; ++i) sum.verdict[i] += c.verdict[i];
    for (int i = 0; i < XDPKIT_FW_NR_REASONS; ++i) sum.reason[i] += c.reason[i];
    for (int i = 0; i < XDPKIT_FW_NR_ACTIONS; ++i) sum.action[i] += c.action[i];
  }
  return sum;
}

std::vector<std::uint64_t> firewall_program::rule_hits(std::size_t rules) const {
  std::vector<std::uint64_t> out(rules);
  const int fd = bpf_map__fd(s_->skel->maps.rule_hits);
  for (std::uint32_t i = 0; i < rules; ++i)
    for (auto v : read_percpu<std::uint64_t>(fd, i, "firewall rule_hits")) out[i] += v;
  return out;
}

last_outcome firewall_program::last() const {
  const auto per = read_percpu<xdpkit_fw_last>(bpf_map__fd(s_->skel->maps.last), 0, "firewall last");
  const int cpu = sched_getcpu();
  const xdpkit_fw_last& r = per[static_cast<std::size_t>(cpu < 0 ? 0 : cpu)];
  return {r.action, r.reason, r.rule_id};
}

}  // namespace xdpkit::firewall
