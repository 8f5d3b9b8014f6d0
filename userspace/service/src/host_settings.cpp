// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/host_settings.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/service/host_changes.hpp"
#include "xdpkit/service/worker_cpuset.hpp"
#include "xdpkit/topology/sysctl.hpp"

namespace xdpkit::service {

using json = nlohmann::json;

namespace {

constexpr const char* kSysctlStep = "sysctl";
constexpr const char* kCgroupStep = "cgroup";
constexpr const char* kSuffix = ".host.journal";

// The kernel prints multi-value sysctls with tabs ("4096\t87380\t6291456"),
// users write spaces: compared word by word.
std::string words(const std::string& v) {
  std::istringstream in(v);
  std::string out, w;
  while (in >> w) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string label(const std::string& name) { return "sysctl " + name; }

ethtool::step_report undo_cgroup(const json& e) {
  const std::filesystem::path dir = e.at("path").get<std::string>();
  const std::filesystem::path enabled_in = e.value("enabled_in", std::string());
  const bool removed = remove_worker_cpuset(dir, enabled_in);
  return {"cgroup " + dir.filename().string(), removed ? "removed " + dir.string() : "already gone", removed};
}

ethtool::step_report undo_line(const topology::host_root& root, const json& e, bool namespace_gone) {
  if (e.value("step", "") == kCgroupStep) return undo_cgroup(e);
  const auto name = e.at("name").get<std::string>();
  const auto old_v = e.at("old").get<std::string>();
  const auto new_v = e.at("new").get<std::string>();
  if (namespace_gone && belongs_to_netns(name))
    return {label(name), "went with its network namespace", false};
  const auto now = topology::read_sysctl(root, name);
  if (!now) return {label(name), "no longer exists here (was " + old_v + ")", false};
  if (words(*now) == words(old_v)) return {label(name), "already " + old_v, false};
  if (words(*now) != words(new_v))
    return {label(name),
            fmt::format("left at {}: the service set {}, someone set {} since (it was {})", *now, new_v, *now, old_v),
            false};
  root.write(topology::sysctl_path(name), old_v);
  return {label(name), new_v + " -> " + old_v, true};
}

}  // namespace

std::filesystem::path settings_journal_path(const std::filesystem::path& run_dir, std::uint64_t netns) {
  return service_journal_dir(run_dir) / (std::to_string(netns) + kSuffix);
}

std::optional<std::uint64_t> settings_journal_netns(const std::filesystem::path& path) {
  const std::string f = path.filename().string();
  const std::string suffix = kSuffix;
  if (f.size() <= suffix.size() || f.compare(f.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  const std::string digits = f.substr(0, f.size() - suffix.size());
  if (digits.size() > 20 || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoull(digits);
}

ethtool::journal open_settings_journal(const std::filesystem::path& path) {
  return ethtool::journal::open_file(path,
                                     "remove it once the sysctls it names are as you want them (`sysctl NAME` shows one)");
}

json sysctl_line(const std::string& name, const std::string& old_value, const std::string& new_value) {
  return json{{"step", kSysctlStep}, {"label", label(name)}, {"name", name}, {"old", old_value}, {"new", new_value}};
}

json cgroup_line(const std::filesystem::path& dir, const std::filesystem::path& enabled_in) {
  json j{{"step", kCgroupStep}, {"label", "cgroup " + dir.filename().string()}, {"path", dir.string()}};
  if (!enabled_in.empty()) j["enabled_in"] = enabled_in.string();
  return j;
}

bool belongs_to_netns(const std::string& name) { return name.rfind("net.", 0) == 0 || name.rfind("net/", 0) == 0; }

std::vector<ethtool::step_report> revert_settings_journal(const topology::host_root& root, ethtool::journal& log,
                                                        bool namespace_gone) {
  std::vector<ethtool::step_report> done;
  while (log.size() > 0) {
    const json e = log.entries().back();
    const std::string where = log.path().string() + ":" + std::to_string(log.line_of(log.size() - 1));
    try {
      if (e.value("step", "") != kSysctlStep && e.value("step", "") != kCgroupStep)
        throw std::invalid_argument("not a line of the service's host settings (sysctl, cgroup)");
      done.push_back(undo_line(root, e, namespace_gone));
    } catch (const json::exception& ex) {
      throw ethtool::tune_error("revert sysctl", where + ": not a sysctl xdpkit can put back (" + ex.what() + ")", 0, 0, {});
    } catch (const std::invalid_argument& ex) {
      throw ethtool::tune_error("revert sysctl", where + ": " + ex.what(), 0, 0, {});
    } catch (const std::exception& ex) {
      throw ethtool::tune_error("revert " + e.value("label", std::string(kSysctlStep)), ex.what(), 0, 0, {});
    }
    log.truncate(log.size() - 1);
  }
  log.remove();
  return done;
}

struct host_settings::state {
  state(topology::host_root r, std::filesystem::path p, ethtool::journal j)
      : root(std::move(r)), path(std::move(p)), log(std::move(j)) {}
  topology::host_root root;
  std::filesystem::path path;
  ethtool::journal log;
  std::vector<ethtool::step_report> replayed, applied;
  bool reverted = false;
};

host_settings host_settings::start(const std::map<std::string, std::string>& values, const std::filesystem::path& run_dir,
                                 const topology::host_root& root) {
  const auto path = settings_journal_path(run_dir, ethtool::journal::current_netns());
  auto s = std::make_unique<state>(root, path, open_settings_journal(path));
  if (s->log.size()) {
    s->replayed = revert_settings_journal(s->root, s->log);
    s->log = open_settings_journal(path);  // the replay removed the file and let go of its lock
  }
  host_settings out(std::move(s));  // from here a throw puts back what was set
  for (const auto& [name, value] : values) {
    const auto old = topology::read_sysctl(root, name);
    if (!old)
      throw std::invalid_argument("[sysctl] " + name + ": " + root.resolve(topology::sysctl_path(name)).string() +
                                  " does not exist: this kernel has no such sysctl, or it is not visible in this "
                                  "network namespace (many net.core ones exist in the initial namespace only)");
    if (words(*old) == words(value)) {
      out.s_->applied.push_back({label(name), "already " + value, false});
      continue;
    }
    out.s_->log.append(sysctl_line(name, *old, value));
    try {
      root.write(topology::sysctl_path(name), value);
    } catch (const std::exception& e) {
      out.s_->log.truncate(out.s_->log.size() - 1);  // nothing was written
      throw std::runtime_error("[sysctl] " + name + " = " + xdpkit::quote(value) + ": " + e.what());
    }
    out.s_->applied.push_back({label(name), *old + " -> " + value, true});
  }
  if (!out.s_->log.size()) {
    // Nothing to hold: no file stays to be mistaken for a dead service's.
    out.s_->log.remove();
    out.s_->reverted = true;
  }
  return out;
}

host_settings::host_settings(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
host_settings::host_settings(host_settings&&) noexcept = default;
host_settings& host_settings::operator=(host_settings&&) noexcept = default;

host_settings::~host_settings() {
  if (!s_ || s_->reverted) return;
  try {
    (void)revert();
  } catch (const std::exception&) {
    // The journal keeps what could not be written back, for `xdpkit clean` or the next start.
  }
}

std::filesystem::path host_settings::confine_workers(const std::string& ifname, const std::vector<pid_t>& tids,
                                                     const std::vector<int>& pins, unsigned node) {
  const cpuset_parent parent = find_cpuset_parent();
  const std::filesystem::path child = parent.dir / fmt::format("xdpkit-up-{}-{}", ::getpid(), ifname);
  std::vector<unsigned> cpus;
  for (int c : pins)
    if (c >= 0) cpus.push_back(static_cast<unsigned>(c));
  if (s_->reverted) {
    // Nothing was journaled yet, so the file went: this is its first line.
    s_->log = open_settings_journal(s_->path);
    s_->reverted = false;
  }
  s_->log.append(cgroup_line(child, parent.enable_in_parent ? parent.dir : std::filesystem::path()));
  try {
    make_worker_cpuset(parent, child, cpus, {node}, tids, pins);
  } catch (...) {
    s_->log.truncate(s_->log.size() - 1);  // make_worker_cpuset removed what it made
    throw;
  }
  s_->applied.push_back({"cgroup " + child.filename().string(),
                         fmt::format("cpus {}, mems {}, {} worker(s) (cgroup v{})", fmt::join(cpus, ","), node,
                                     tids.size(), parent.version),
                         true});
  return child;
}

std::vector<ethtool::step_report> host_settings::revert() {
  if (s_->reverted) return {};
  auto done = revert_settings_journal(s_->root, s_->log);
  s_->reverted = true;
  return done;
}

const std::filesystem::path& host_settings::journal_path() const noexcept { return s_->path; }
std::size_t host_settings::entries() const noexcept { return s_->reverted ? 0 : s_->log.size(); }
const std::vector<ethtool::step_report>& host_settings::replayed() const noexcept { return s_->replayed; }
const std::vector<ethtool::step_report>& host_settings::applied() const noexcept { return s_->applied; }

}  // namespace xdpkit::service
