// SPDX-License-Identifier: Apache-2.0
// XDP programs of xdpkit's that a dead xdpkit left attached, for `xdpkit
// clean`. A BPF link dies with its process and takes the program with it;
// what survives a kill -9 is a program attached by netlink (`ip link set xdp`,
// libxdp's legacy mode) or a component of libxdp's dispatcher, pinned in
// bpffs. Such a program is an orphan when its name is xdpkit's ("xdpkit_...")
// and no process holds it: a live xdpkit keeps an fd of every program it
// attached (its link or the program itself), and /proc/PID/fdinfo says
// which. Others' programs are never touched, held or not.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace xdpkit {

struct orphan_xdp_program {
  std::string ifname;
  unsigned ifindex = 0;
  std::string mode;  // "native", "generic"
  std::uint32_t prog_id = 0;
  std::string name;
  bool in_dispatcher = false;  // a component of libxdp's dispatcher (else attached by netlink)
};

// The ids of every BPF program some process holds an fd of (a program's or a
// link's), from /proc/*/fdinfo.
std::set<std::uint32_t> held_bpf_program_ids();

// The orphans on this network namespace's interfaces. Throws os_error when
// the kernel refuses to say (CAP_SYS_ADMIN).
std::vector<orphan_xdp_program> find_orphaned_xdpkit_programs();

// Detaches one: a netlink program only while it is still the one attached
// (XDP_FLAGS_REPLACE), a dispatcher component through libxdp (which removes
// the dispatcher with its last component). Throws os_error naming the interface.
void detach_orphan(const orphan_xdp_program& orphan);

}  // namespace xdpkit
