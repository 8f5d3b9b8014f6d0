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

// The ids of the XDP programs attached in this network namespace (native,
// generic, offloaded): a dispatcher attached here is among them.
std::set<std::uint32_t> attached_xdp_program_ids();

// A directory of libxdp's pins for a dispatcher that is attached nowhere.
// libxdp pins each component's program and freplace link under
// <bpffs>/xdp/dispatch-<ifindex>-<dispatcher id>/ and unpins them when it
// detaches; an interface deleted under it (its namespace removed, a veth
// deleted) detaches the dispatcher in the kernel, and the pins stay, holding
// the programs (and, through the links, the dispatcher) for ever.
struct stale_dispatcher_pins {
  std::string dir;
  unsigned ifindex = 0;  // in the namespace it was attached in
  std::uint32_t dispatcher_id = 0;
  std::vector<std::string> programs;  // the pinned components' names
  bool all_xdpkit = false;            // every component is xdpkit's
};
// The pin directories under libxdp's bpffs ($LIBXDP_BPFFS, else
// /sys/fs/bpf) whose dispatcher id is not in `attached` (every id attached in
// every namespace the caller looked in: attached_xdp_program_ids() there).
// Empty when there is no bpffs or no pin.
std::vector<stale_dispatcher_pins> find_stale_dispatcher_pins(const std::set<std::uint32_t>& attached);
// Unlinks the directory's pins and removes it, under libxdp's lock (a flock
// on its xdp directory), so no libxdp call meets it half gone. Throws
// os_error naming the file.
void remove_dispatcher_pins(const stale_dispatcher_pins& stale);

}  // namespace xdpkit
