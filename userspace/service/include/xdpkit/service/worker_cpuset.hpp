// SPDX-License-Identifier: Apache-2.0
// A cpuset cgroup for one interface's workers ([process] cpuset = true):
// the CPUs they are pinned to and the memory node of the NIC's UMEM, a child
// of the cgroup `up` runs in. What affinity alone does not give: the kernel
// allocates the workers' pages on that node only, and nothing the workers run
// (a handler's sched_setaffinity) can move them off their CPUs.
// Both hierarchies: cgroup v1's cpuset controller (a child with tasks) and
// cgroup v2 (a threaded child with cgroup.threads, cpuset enabled in the
// parent's subtree_control, which systemd gives a unit with Delegate=cpuset).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace xdpkit::service {

struct cpuset_parent {
  std::filesystem::path dir;  // the cgroup `up` runs in, where the child goes
  int version = 0;            // 1 or 2
  bool enable_in_parent = false;  // v2: "+cpuset" must be written to dir/cgroup.subtree_control
};

// Where this process's cpuset children go, read from /proc/self/mountinfo and
// /proc/self/cgroup. Throws std::runtime_error saying why there is none and
// what to do (no cpuset controller mounted; v2 without cpuset in the cgroup's
// controllers: enable it in the parent, or Delegate=cpuset under systemd).
cpuset_parent find_cpuset_parent();

// Makes `child` (a directory under parent.dir), gives it `cpus` and `mems`,
// moves the threads `tids` in and pins each again to its CPU (`pins`, one per
// tid: joining a cpuset resets a thread's affinity to the whole set).
// Throws os_error naming the file the kernel refused; what it made is removed.
void make_worker_cpuset(const cpuset_parent& parent, const std::filesystem::path& child,
                        const std::vector<unsigned>& cpus, const std::vector<unsigned>& mems,
                        const std::vector<pid_t>& tids, const std::vector<int>& pins);

// Removes a cpuset child once its threads are gone (they leave when they
// exit; the kernel may take a moment to let go: retried for up to a second),
// and with `disable_in` set, writes "-cpuset" to that cgroup's
// subtree_control. False when the directory was already gone. Throws
// os_error (EBUSY: a thread is still in it).
bool remove_worker_cpuset(const std::filesystem::path& child, const std::filesystem::path& disable_in = {});

}  // namespace xdpkit::service
