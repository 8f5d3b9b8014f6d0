// SPDX-License-Identifier: Apache-2.0
// What the kernel says about XDP in this network namespace, whoever set it
// up: the programs attached to each interface (xdpkit's and others'), and
// every AF_XDP socket with its queue, rings, UMEM and drop counters (the
// kernel's xsk diag over NETLINK_SOCK_DIAG, what `ss --xdp` shows). For
// `xdpkit diag`: read-only, and each part says why when it cannot be read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <linux/xdp_diag.h>

namespace xdpkit {

struct attached_xdp_program {
  std::string ifname;
  unsigned ifindex = 0;
  std::string mode;  // "native", "generic", "offload"
  std::uint32_t prog_id = 0;
  std::string name;  // the kernel's (16 bytes): "xdpkit_firewall", "xdp_dispatcher", ...
  std::string tag;   // hex
  bool xdpkit = false;  // one of xdpkit's programs (by name)
};

// Every interface of this namespace with an XDP program. Throws os_error
// when the kernel refuses to say (bpf_xdp_query, or CAP_SYS_ADMIN missing
// for a program's name).
std::vector<attached_xdp_program> list_attached_xdp_programs();

struct xsk_socket_diag {
  std::uint32_t inode = 0;
  std::uint64_t cookie = 0;
  std::optional<std::uint32_t> ifindex, queue;  // absent for an unbound socket
  std::string ifname;                            // "" when the ifindex is not in this namespace
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> rx_ring, tx_ring, fill_ring, completion_ring;  // entries
  std::optional<xdp_diag_umem> umem;
  std::optional<xdp_diag_stats> stats;
};

// Every AF_XDP socket of this namespace. Throws os_error (EOPNOTSUPP when the
// kernel lacks CONFIG_XDP_SOCKETS_DIAG).
std::vector<xsk_socket_diag> list_xsk_sockets();

}  // namespace xdpkit
