// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/proc_pid.hpp"

#include <algorithm>
#include <cerrno>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

pid_stat parse_pid_stat(std::string_view input, std::string_view source) {
  auto open = input.find('(');
  auto close = input.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    throw parse_error("/proc/PID/stat", source, "no '(comm)' in " + text::quote(input));
  pid_stat s;
  auto pid = text::to_int(text::trim(input.substr(0, open)));
  if (!pid || *pid < 0) throw parse_error("/proc/PID/stat", source, "bad pid " + text::quote(input.substr(0, open)));
  s.pid = *pid;
  s.comm = std::string(input.substr(open + 1, close - open - 1));
  // After the comm, fields are single-space separated; numbering resumes at 3.
  auto rest = text::split_ws(input.substr(close + 1));
  auto field = [&](int n) -> std::string_view {
    std::size_t i = static_cast<std::size_t>(n - 3);
    if (i >= rest.size())
      throw parse_error("/proc/PID/stat", source, "field " + std::to_string(n) + " missing (truncated?)");
    return rest[i];
  };
  auto i64 = [&](int n) {
    auto v = text::to_i64(field(n));
    if (!v) throw parse_error("/proc/PID/stat", source, "field " + std::to_string(n) + " " + text::quote(field(n)) + " is not a number");
    return *v;
  };
  auto u64 = [&](int n) {
    auto v = text::to_u64(field(n));
    if (!v) throw parse_error("/proc/PID/stat", source, "field " + std::to_string(n) + " " + text::quote(field(n)) + " is not a number");
    return *v;
  };
  std::string_view st = field(3);
  if (st.size() != 1) throw parse_error("/proc/PID/stat", source, "state " + text::quote(st) + " is not one letter");
  s.state = st[0];
  auto ppid = i64(4);
  if (ppid < 0 || ppid > (1 << 30)) throw parse_error("/proc/PID/stat", source, "ppid out of range");
  s.ppid = static_cast<int>(ppid);
  for (int n = 5; n <= 24; ++n) i64(n);  // all numeric; rejects a line shifted by a stray ')'
  s.utime = u64(14);
  s.stime = u64(15);
  s.priority = i64(18);
  s.nice = i64(19);
  s.num_threads = i64(20);
  s.starttime = u64(22);
  s.rss_pages = i64(24);
  auto opt_num = [&](int n) -> std::optional<std::int64_t> {
    std::size_t i = static_cast<std::size_t>(n - 3);
    if (i >= rest.size()) return std::nullopt;
    return text::to_i64(rest[i]);
  };
  if (auto v = opt_num(39); v && *v >= 0 && *v <= cpu_set::max_id) s.processor = static_cast<int>(*v);
  if (auto v = opt_num(40); v && *v >= 0 && *v <= 99) s.rt_priority = static_cast<unsigned>(*v);
  if (auto v = opt_num(41); v && *v >= 0 && *v <= 64) s.policy = static_cast<unsigned>(*v);
  return s;
}

std::optional<std::string_view> pid_status::get(std::string_view key) const {
  auto it = fields.find(key);
  if (it == fields.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string pid_status::name() const { return std::string(get("Name").value_or("")); }

namespace {
std::optional<std::uint64_t> status_number(const pid_status& s, std::string_view key, bool kb) {
  auto v = s.get(key);
  if (!v) return std::nullopt;
  auto parts = text::split_ws(*v);
  if (parts.empty() || parts.size() > 2 || (parts.size() == 2 && (!kb || parts[1] != "kB")) ||
      (kb && parts.size() != 2))
    throw parse_error("status field " + std::string(key), "/proc/PID/status", text::quote(*v) + " is not a number" + (kb ? " of kB" : ""));
  auto n = text::to_u64(parts[0]);
  if (!n) throw parse_error("status field " + std::string(key), "/proc/PID/status", text::quote(*v) + " is not a number");
  return n;
}
}  // namespace

std::optional<int> pid_status::pid() const {
  auto v = status_number(*this, "Pid", false);
  if (!v) return std::nullopt;
  return static_cast<int>(std::min<std::uint64_t>(*v, 1u << 30));
}

std::optional<int> pid_status::ppid() const {
  auto v = status_number(*this, "PPid", false);
  if (!v) return std::nullopt;
  return static_cast<int>(std::min<std::uint64_t>(*v, 1u << 30));
}

std::optional<cpu_set> pid_status::cpus_allowed() const {
  auto v = get("Cpus_allowed_list");
  if (!v) return std::nullopt;
  return cpu_set::parse_list(*v, "/proc/PID/status Cpus_allowed_list");
}

std::optional<cpu_set> pid_status::mems_allowed() const {
  auto v = get("Mems_allowed_list");
  if (!v) return std::nullopt;
  return cpu_set::parse_list(*v, "/proc/PID/status Mems_allowed_list");
}

std::optional<std::uint64_t> pid_status::kb(std::string_view key) const { return status_number(*this, key, true); }
std::optional<std::uint64_t> pid_status::number(std::string_view key) const { return status_number(*this, key, false); }

pid_status parse_pid_status(std::string_view input, std::string_view source) {
  pid_status s;
  for (auto line : text::lines(input)) {
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    s.fields.insert_or_assign(std::string(line.substr(0, colon)), std::string(text::trim(line.substr(colon + 1))));
  }
  if (s.fields.empty()) throw parse_error("/proc/PID/status", source, "no 'Key: value' line");
  return s;
}

std::vector<int> list_pids(const host_root& root) {
  std::vector<int> pids;
  for (const auto& name : root.list("/proc")) {
    auto v = text::to_int(name);
    if (v && *v > 0) pids.push_back(*v);
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

namespace {
// A process can exit between list_pids() and the read: ESRCH joins ENOENT.
std::optional<std::string> read_proc_file(const host_root& root, const std::string& path) {
  try {
    return root.try_read(path);
  } catch (const os_error& e) {
    if (e.err() == ESRCH) return std::nullopt;
    throw;
  }
}
}  // namespace

std::optional<pid_stat> read_pid_stat(const host_root& root, int pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  auto t = read_proc_file(root, path);
  if (!t) return std::nullopt;
  return parse_pid_stat(*t, path);
}

std::optional<pid_status> read_pid_status(const host_root& root, int pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  auto t = read_proc_file(root, path);
  if (!t) return std::nullopt;
  return parse_pid_status(*t, path);
}

pid_status read_self_status(const host_root& root) {
  return parse_pid_status(root.read("/proc/self/status"), "/proc/self/status");
}

std::vector<pid_stat> find_processes(const host_root& root, std::string_view comm) {
  std::vector<pid_stat> out;
  for (int pid : list_pids(root)) {
    try {
      auto s = read_pid_stat(root, pid);
      if (s && s->comm == comm) out.push_back(std::move(*s));
    } catch (const std::exception&) {
      // One broken or vanished process must not hide the others.
    }
  }
  return out;
}

}  // namespace xdpkit::topology
