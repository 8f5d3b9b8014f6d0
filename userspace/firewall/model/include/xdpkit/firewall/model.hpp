// SPDX-License-Identifier: Apache-2.0
// The firewall's reference model: the same parsing and the same rule
// semantics as bpf/firewall.bpf.c, written for clarity, not speed. It matches
// by scanning every rule (longest containing destination prefix first, then
// file order) instead of walking the compiled groups, so a disagreement points
// at either the program or the compiler.
#pragma once

#include <cstdint>
#include <span>

#include "xdpkit/firewall/rules.hpp"

namespace xdpkit::firewall {

struct parsed_packet {
  std::uint32_t reason = 0xff;  // 0xff: parsed; else an xdpkit_fw_reason (NOT_IP or a malformation)
  std::uint8_t family = 0;
  std::uint8_t proto = 0;
  std::array<std::uint8_t, 16> src{}, dst{};
  bool has_vlan = false;
  std::uint16_t vlan = 0;
  bool has_ports = false;
  std::uint16_t sport = 0, dport = 0;
};

parsed_packet parse_packet(std::span<const std::uint8_t> frame);

struct model_verdict {
  std::uint32_t xdp_action = 0;  // XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT
  std::uint32_t reason = 0;      // xdpkit_fw_reason
  std::uint32_t rule_id = 0xffffffffu;  // index of the deciding rule in the set
};

struct model_env {
  bool xsk_bound = false;       // a socket in the receiving queue's XSKMAP slot
  bool devmap_slot_set = false; // the redirect-dev slot holds a device
  bool no_socket_pass = false;  // redirect-xsk without a socket passes (else drops)
};

model_verdict evaluate(const rule_set& set, std::span<const std::uint8_t> frame, const model_env& env = {});

}  // namespace xdpkit::firewall
