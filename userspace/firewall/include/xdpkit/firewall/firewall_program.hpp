// SPDX-License-Identifier: Apache-2.0
// firewall_program: bpf/firewall.bpf.c loaded from its skeleton, with two rule
// sets side by side. apply() writes the new rules into the set no packet is
// using and then flips config.active with one map write, so every packet sees
// the old rule set or the new one, never a mix.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "xdpkit/bpf/firewall_abi.h"
#include "xdpkit/firewall/rules.hpp"
#include "xdpkit/userspace/xdp_attachment.hpp"

namespace xdpkit::firewall {

struct program_options {
  bool record_last = false;  // tests: keep each packet's outcome in the `last` map
  // redirect-xsk on a queue without a socket: pass to the stack (true) or
  // drop; counted as XDPKIT_FW_R_NO_SOCKET either way.
  bool no_socket_pass = false;
  // The xdp.frags variant (xdpkit_fw_mb), for MTUs over one page: headers are
  // parsed in the first buffer and the verdict is the whole frame's.
  bool multi_buffer = false;
};

struct last_outcome {
  std::uint32_t xdp_action = 0;
  std::uint32_t reason = 0;
  std::uint32_t rule_id = 0xffffffffu;
};

// The ifindex of every --port SLOT=IFNAME, after checking that each slot the
// rules send to is filled by one of them or is in `filled_elsewhere` (under
// forward: peer). Throws os_error (no such interface) or rule_error.
std::map<std::uint32_t, int> resolve_ports(const rule_set& rules, const std::map<std::uint32_t, std::string>& names,
                                           const std::set<std::uint32_t>& filled_elsewhere = {});

class firewall_program {
 public:
  // Loads without attaching (for BPF_PROG_RUN). Throws os_error.
  static firewall_program load(const program_options& options = {});
  // Loads and attaches to `ifname` in the calling thread's namespace. Throws os_error.
  static firewall_program attach(const std::string& ifname, xdp_mode_request mode,
                                 const program_options& options = {});

  firewall_program(firewall_program&&) noexcept;
  firewall_program& operator=(firewall_program&&) noexcept;
  ~firewall_program();

  // Installs `rules` atomically (see above). The set being replaced must have
  // been out of use for a grace period (packets finish in microseconds; apply
  // waits up to 10 ms after the previous flip). Throws os_error.
  void apply(const compiled_rules& rules);
  std::uint32_t active_set() const;

  // redirect-xsk: packets of `queue` go to socket `xsk_fd`. Throws os_error.
  void bind_queue(std::uint32_t queue, int xsk_fd);
  void unbind_queue(std::uint32_t queue) noexcept;
  // redirect-dev SLOT: the devmap slot's interface. Throws os_error.
  void set_port(std::uint32_t slot, int ifindex);

  int program_fd() const noexcept;
  // The attachment of attach(); throws std::logic_error for a load()ed program or after detach().
  const xdp_attachment& attachment() const;
  // Detaches and keeps the maps, so the counters read afterwards are final.
  void detach() noexcept;
  // Every map of the program by name, with its fd (owned by the program).
  std::vector<std::pair<std::string, int>> map_fds() const;
  xdpkit_fw_stats stats() const;           // summed over CPUs
  std::vector<std::uint64_t> rule_hits(std::size_t rules) const;  // by rule id
  last_outcome last() const;               // record_last only: the calling CPU's last packet

 private:
  struct state;
  static std::unique_ptr<state> open_state(const program_options& options);
  static void finish_load(state& st);  // maps the IPv4 tables, writes the first config
  explicit firewall_program(std::unique_ptr<state> s) noexcept;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::firewall
