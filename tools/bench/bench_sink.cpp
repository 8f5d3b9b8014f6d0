// SPDX-License-Identifier: Apache-2.0
#include "bench_sink.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>

#include "xdpkit/lab/command.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/topology/proc_pid.hpp"
#include "xdpkit/base/os_error.hpp"

extern char** environ;

namespace xdpkit::cli {

sink_process::sink_process(const std::string& netns, int cpu, const std::vector<std::string>& command,
                           const std::string& log_path) {
  // `ip netns exec` and `taskset` both exec what follows, so pid_ is the sink's own pid.
  std::vector<std::string> args{"ip", "netns", "exec", netns, "taskset", "-c", std::to_string(cpu)};
  args.insert(args.end(), command.begin(), command.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  int err = posix_spawnp(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (err) throw_os_error(err, "start bench sink", command.empty() ? "?" : command[0]);
}

sink_process::~sink_process() {
  if (pid_ <= 0) return;
  kill(pid_, SIGINT);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > end) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool sink_process::running() const {
  int status;
  return waitpid(pid_, &status, WNOHANG) == 0;
}

std::optional<double> sink_process::cpu_seconds() const {
  auto st = topology::read_pid_stat(topology::host_root("/"), pid_);
  if (!st) return std::nullopt;
  return static_cast<double>(st->utime + st->stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::uint64_t veth_xdp_counter(const std::string& netns, const std::string& ifname, const std::string& suffix) {
  const std::string out = lab::run_checked({"ip", "netns", "exec", netns, "ethtool", "-S", ifname});
  std::istringstream in(out);
  std::string line;
  std::uint64_t sum = 0;
  const std::string tail = "_" + suffix + ":";
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    std::uint64_t value = 0;
    if (!(ls >> key >> value)) continue;
    if (key.rfind("rx_queue_", 0) == 0 && key.size() > tail.size() &&
        key.compare(key.size() - tail.size(), tail.size(), tail) == 0)
      sum += value;
  }
  return sum;
}

bpf_run_time_stats::bpf_run_time_stats() : fd_(bpf_enable_stats(BPF_STATS_RUN_TIME)) {
  if (!fd_) throw_os_error(errno, "turn on BPF run-time statistics (BPF_ENABLE_STATS)", "this kernel",
                           "needs CAP_SYS_ADMIN and Linux 5.8+");
}

std::optional<xdp_program_stats> attached_xdp_program_stats(const std::string& netns, const std::string& ifname) {
  lab::netns_scope in(netns);
  const int ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  if (!ifindex) throw_os_error(errno, "find interface", ifname);
  LIBBPF_OPTS(bpf_xdp_query_opts, q);
  if (int err = bpf_xdp_query(ifindex, 0, &q)) throw_os_error(-err, "query the XDP program", ifname);
  const std::uint32_t id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.prog_id;
  if (!id) return std::nullopt;
  unique_fd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) throw_os_error(errno, "open XDP program " + std::to_string(id), ifname);
  bpf_prog_info info{};
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len)) throw_os_error(errno, "read XDP program info", ifname);
  return xdp_program_stats{id, info.name, info.run_cnt, info.run_time_ns};
}

}  // namespace xdpkit::cli
