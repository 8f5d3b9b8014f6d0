// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/worker_cpuset.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/topology/host_root.hpp"

namespace xdpkit::service {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}

bool has_word(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  for (std::string w; in >> w;)
    if (w == word) return true;
  return false;
}

struct cgroup_mount {
  fs::path point, root;
};

// The cgroup v1 mount with the cpuset controller, and the cgroup2 mount.
void find_mounts(std::optional<cgroup_mount>& v1, std::optional<cgroup_mount>& v2) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    // ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const auto head = split(line.substr(0, dash), ' ');
    const auto tail = split(line.substr(dash + 3), ' ');
    if (head.size() < 5 || tail.size() < 3) continue;
    if (tail[0] == "cgroup2" && !v2) v2 = cgroup_mount{head[4], head[3]};
    if (tail[0] == "cgroup" && !v1)
      for (const auto& o : split(tail[2], ','))
        if (o == "cpuset") v1 = cgroup_mount{head[4], head[3]};
  }
}

// This process's cgroup in the v1 cpuset hierarchy ("cpuset" among the
// controllers) or in v2 (hierarchy 0, no controllers).
std::optional<std::string> own_cgroup(bool v2) {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    const auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    if (v2 ? (line.substr(0, a) == "0" && controllers.empty()) : [&] {
          for (const auto& c : split(controllers, ','))
            if (c == "cpuset") return true;
          return false;
        }())
      return line.substr(b + 1);
  }
  return std::nullopt;
}

// The cgroup's directory under its mount (a mount of a sub-tree, as in a
// container, has that sub-tree as its root).
fs::path under_mount(const cgroup_mount& m, const std::string& cgroup) {
  std::string rel = cgroup;
  const std::string root = m.root.string();
  if (root != "/" && rel.rfind(root, 0) == 0) rel = rel.substr(root.size());
  return m.point / fs::path(rel).relative_path();
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const topology::host_root live{"/"};

}  // namespace

cpuset_parent find_cpuset_parent() {
  std::optional<cgroup_mount> v1, v2;
  find_mounts(v1, v2);
  std::string why_not_v2;
  if (v2) {
    if (const auto own = own_cgroup(true)) {
      const fs::path dir = under_mount(*v2, *own);
      if (has_word(read_text(dir / "cgroup.controllers"), "cpuset"))
        return {dir, 2, !has_word(read_text(dir / "cgroup.subtree_control"), "cpuset")};
      why_not_v2 = fmt::format(
          "the cgroup up runs in ({}) has no cpuset controller: enable it in its parent (echo +cpuset > {}), or "
          "under systemd give the unit Delegate=cpuset",
          dir.string(), (dir.parent_path() / "cgroup.subtree_control").string());
    }
  }
  if (v1)
    if (const auto own = own_cgroup(false)) return {under_mount(*v1, *own), 1, false};
  throw std::runtime_error(
      "[process] cpuset = true: no cpuset cgroup to make one in: " +
      (!why_not_v2.empty() ? why_not_v2
       : own_cgroup(true) || own_cgroup(false)
           ? std::string("this process is in cgroups (/proc/self/cgroup) but no cpuset hierarchy is mounted in its "
                         "mount namespace: `ip netns exec` mounts a fresh /sys over /sys/fs/cgroup; mount one there "
                         "(mount -t cgroup2 none /sys/fs/cgroup) or run up with only the network namespace entered")
           : std::string("neither a cgroup v1 cpuset hierarchy nor cgroup2 is mounted (mount -t cgroup2 none "
                         "/sys/fs/cgroup)")) +
      "; or drop cpuset from [process] (the workers stay pinned by affinity)");
}

void make_worker_cpuset(const cpuset_parent& parent, const fs::path& child, const std::vector<unsigned>& cpus,
                        const std::vector<unsigned>& mems, const std::vector<pid_t>& tids, const std::vector<int>& pins) {
  if (::mkdir(child.c_str(), 0755) < 0)
    throw_os_error(errno, "make the workers' cpuset", child.string(),
                   errno == EEXIST ? "a cgroup of that name exists: `xdpkit clean` removes a dead up's" : "");
  try {
    if (parent.version == 2) {
      live.write((child / "cgroup.type").string(), "threaded");
      if (parent.enable_in_parent) live.write((parent.dir / "cgroup.subtree_control").string(), "+cpuset");
    }
    // A v1 hierarchy mounted with noprefix names them "cpus" and "mems".
    const bool prefixed = parent.version == 2 || fs::exists(child / "cpuset.cpus");
    live.write((child / (prefixed ? "cpuset.cpus" : "cpus")).string(), fmt::format("{}", fmt::join(cpus, ",")));
    live.write((child / (prefixed ? "cpuset.mems" : "mems")).string(), fmt::format("{}", fmt::join(mems, ",")));
    const fs::path tasks = child / (parent.version == 2 ? "cgroup.threads" : "tasks");
    for (std::size_t i = 0; i < tids.size(); ++i) {
      live.write(tasks.string(), std::to_string(tids[i]));
      if (i < pins.size() && pins[i] >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(pins[i], &set);
        if (::sched_setaffinity(tids[i], sizeof(set), &set) < 0)
          throw_os_error(errno, fmt::format("pin worker thread {} to CPU {} again", tids[i], pins[i]), "sched_setaffinity");
      }
    }
  } catch (...) {
    // Threads written in go back to the parent, then the child goes.
    const fs::path back = parent.dir / (parent.version == 2 ? "cgroup.threads" : "tasks");
    for (pid_t t : tids) {
      try {
        live.write(back.string(), std::to_string(t));
      } catch (const std::exception&) {
      }
    }
    try {
      (void)remove_worker_cpuset(child, parent.enable_in_parent ? parent.dir : fs::path());
    } catch (const std::exception&) {
    }
    throw;
  }
}

bool remove_worker_cpuset(const fs::path& child, const fs::path& disable_in) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  bool removed = false;
  for (;;) {
    if (::rmdir(child.c_str()) == 0) {
      removed = true;
      break;
    }
    if (errno == ENOENT) break;
    if (errno != EBUSY || std::chrono::steady_clock::now() > until)
      throw_os_error(errno, "remove the workers' cpuset", child.string(),
                     errno == EBUSY ? "a thread is still in it (cat " + (child / "tasks").string() + ")" : "");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!disable_in.empty()) {
    try {
      live.write((disable_in / "cgroup.subtree_control").string(), "-cpuset");
    } catch (const std::exception&) {
      // Another child of that cgroup still uses it: it stays enabled for that one.
    }
  }
  return removed;
}

}  // namespace xdpkit::service
