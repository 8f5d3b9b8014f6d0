// SPDX-License-Identifier: Apache-2.0
// What the service keeps of root once it is set up. Setup needs much
// (attach, bind, mmap rings, tune the NIC); running needs little: the bpf()
// calls that read and swap maps (CAP_BPF), and for the revert at stop the NIC
// changes (CAP_NET_ADMIN). Capability sets are per thread: the workers drop
// all of theirs (worker_config::drop_capabilities), the main thread keeps
// this set, and threads it makes afterwards (the metrics server's) inherit it.
#pragma once

#include <sys/capability.h>

#include <string>
#include <vector>

namespace xdpkit::service {

// The calling thread's effective and permitted sets become `keep` (those of
// them it has), the inheritable set empty. Returns the names kept
// ("cap_net_admin", ...). Throws os_error when the kernel refuses.
std::vector<std::string> keep_only_capabilities(const std::vector<cap_value_t>& keep);

}  // namespace xdpkit::service
