// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/netns.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include "xdpkit/lab/command.hpp"
#include "xdpkit/base/os_error.hpp"

namespace xdpkit::lab {

netns netns::create(std::string name) {
  run_checked({"ip", "netns", "add", name});
  return netns(std::move(name));
}

netns::netns(netns&& o) noexcept : name_(std::move(o.name_)) { o.name_.clear(); }

netns& netns::operator=(netns&& o) noexcept {
  if (this != &o) {
    remove();
    name_ = std::move(o.name_);
    o.name_.clear();
  }
  return *this;
}

netns::~netns() { remove(); }

void netns::remove() noexcept {
  if (name_.empty()) return;
  try {
    command_result r = run_command({"ip", "netns", "del", name_});
    if (r.status != 0)
      std::fprintf(stderr, "xdpkit: could not remove network namespace %s: %s(remove it with `ip netns del %s`)\n",
                   name_.c_str(), r.output.c_str(), name_.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xdpkit: could not remove network namespace %s: %s\n", name_.c_str(), e.what());
  }
  name_.clear();
}

netns_scope::netns_scope(const std::string& name) {
  previous_.reset(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!previous_) throw_os_error(errno, "open current network namespace", "/proc/thread-self/ns/net");
  std::string path = "/run/netns/" + name;
  unique_fd target(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!target) throw_os_error(errno, "open network namespace", path, "does `ip netns list` show it?");
  if (setns(target.get(), CLONE_NEWNET)) throw_os_error(errno, "enter network namespace", name, "needs CAP_SYS_ADMIN");
}

netns_scope::~netns_scope() {
  if (setns(previous_.get(), CLONE_NEWNET))
    std::perror("xdpkit: return to the previous network namespace");
}

std::vector<std::string> list_netns() {
  std::vector<std::string> names;
  DIR* d = opendir("/run/netns");
  if (!d) return names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  return names;
}

namespace {
// The pid in NAME right after `prefix`, when its process is gone.
std::optional<pid_t> dead_owner(const std::string& name, std::size_t digits_at) {
  std::size_t j = digits_at;
  while (j < name.size() && name[j] >= '0' && name[j] <= '9') ++j;
  if (j == digits_at || j - digits_at > 9) return std::nullopt;
  const pid_t pid = static_cast<pid_t>(std::stol(name.substr(digits_at, j - digits_at)));
  if (kill(pid, 0) == 0 || errno != ESRCH) return std::nullopt;  // its owner still runs
  return pid;
}
}  // namespace

std::vector<std::string> remove_stale_netns(const std::string& prefix) {
  std::vector<std::string> removed;
  for (const auto& name : list_netns()) {
    if (name.rfind(prefix, 0) != 0 || !dead_owner(name, prefix.size())) continue;
    if (run_command({"ip", "netns", "del", name}).status == 0) removed.push_back(name);
  }
  return removed;
}

std::vector<std::string> stale_lab_netns() {
  std::vector<std::string> out;
  for (const auto& name : list_netns()) {
    if (name.rfind("xk", 0) != 0) continue;
    std::size_t i = 2;
    while (i < name.size() && name[i] >= 'a' && name[i] <= 'z') ++i;
    if (i > 2 && dead_owner(name, i)) out.push_back(name);
  }
  return out;
}

}  // namespace xdpkit::lab
