// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/pool_note.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace xdpkit::lab {

namespace fs = std::filesystem;

pool_note pool_note::write(const topology::hugepage_reservation& r, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string path = dir + "/lab-" + std::to_string(getpid()) + "-hugepages.json";
  const nlohmann::json j{{"pid", getpid()},
                         {"node", r.node()},
                         {"page_size_kb", r.page_size_kb()},
                         {"old_total", r.old_total()},
                         {"new_total", r.new_total()},
                         {"sysfs_path", r.sysfs_path()}};
  const std::string text = j.dump() + "\n";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("write " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  int err = errno;
  close(fd);
  if (!ok) {
    unlink(path.c_str());
    throw std::runtime_error("write " + path + ": " + std::strerror(err));
  }
  return pool_note(path);
}

pool_note::pool_note(pool_note&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }

pool_note::~pool_note() {
  if (!path_.empty()) unlink(path_.c_str());
}

std::vector<std::string> stale_pool_notes(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("lab-", 0) != 0 || name.find("-hugepages.json") == std::string::npos) continue;
    try {
      std::ifstream in(entry.path());
      const pid_t pid = nlohmann::json::parse(in).at("pid").get<pid_t>();
      if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    } catch (const std::exception&) {
      // unreadable: restore_stale_pool_notes removes it too
    }
    out.push_back(entry.path().string());
  }
  return out;
}

std::vector<std::string> restore_stale_pool_notes(const topology::host_root& root, const std::string& dir) {
  std::vector<std::string> done;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("lab-", 0) != 0 || name.find("-hugepages.json") == std::string::npos) continue;
    nlohmann::json j;
    try {
      std::ifstream in(entry.path());
      j = nlohmann::json::parse(in);
      const pid_t pid = j.at("pid").get<pid_t>();
      if (kill(pid, 0) == 0 || errno != ESRCH) continue;  // its owner still runs
      const std::string sysfs = j.at("sysfs_path").get<std::string>();
      const auto now = std::stoull(root.read(sysfs));
      const auto set_to = j.at("new_total").get<std::uint64_t>();
      const auto old = j.at("old_total").get<std::uint64_t>();
      if (now == set_to) {
        root.write(sysfs, std::to_string(old));
        done.push_back("put back the huge-page pool a killed lab (pid " + std::to_string(pid) + ") had grown: " +
                       sysfs + " " + std::to_string(now) + " -> " + std::to_string(old));
      } else {
        done.push_back("a killed lab (pid " + std::to_string(pid) + ") had set " + sysfs + " to " +
                       std::to_string(set_to) + ", but it is " + std::to_string(now) +
                       " now (changed since): left as it is");
      }
    } catch (const std::exception& e) {
      done.push_back("ignored unreadable lab note " + entry.path().string() + ": " + e.what());
    }
    fs::remove(entry.path(), ec);
  }
  return done;
}

}  // namespace xdpkit::lab
