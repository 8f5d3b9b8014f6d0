// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit::ethtool {
namespace {

[[noreturn]] void fail(const char* op, const std::filesystem::path& p, int err, std::string hint = {}) {
  throw os_error(err, op, p.string(), std::move(hint));
}

void write_all(int fd, const std::string& s, const std::filesystem::path& p) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", p, errno);
    done += static_cast<std::size_t>(n);
  }
}

// A new or renamed file is only durable once its directory entry is.
void fsync_dir(const std::filesystem::path& dir) {
  const unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) fail("open", dir, errno);
  if (::fsync(fd.get()) < 0) fail("fsync", dir, errno);
}

void check_ifname(const std::string& ifname) {
  // Interface names cannot hold '/', but a caller's string could.
  if (ifname.empty() || ifname.find('/') != std::string::npos || ifname == "." || ifname == "..")
    throw os_error(EINVAL, "journal", ifname, "not an interface name");
}

}  // namespace

std::uint64_t journal::current_netns() {
  // thread-self, not self: tests (and callers) enter a namespace with setns
  // on one thread only.
  struct stat st;
  if (::stat("/proc/thread-self/ns/net", &st) < 0)
    throw os_error(errno, "stat /proc/thread-self/ns/net", "", "is /proc mounted?");
  return static_cast<std::uint64_t>(st.st_ino);
}

std::filesystem::path journal::path_for(const std::filesystem::path& dir, const std::string& ifname) {
  check_ifname(ifname);
  return path_for(dir, current_netns(), ifname);
}

std::filesystem::path journal::path_for(const std::filesystem::path& dir, std::uint64_t netns,
                                        const std::string& ifname) {
  check_ifname(ifname);
  return dir / (std::to_string(netns) + "-" + ifname + ".journal");
}

std::filesystem::path journal::legacy_path_for(const std::filesystem::path& dir, const std::string& ifname) {
  check_ifname(ifname);
  return dir / (ifname + ".journal");
}

bool journal::exists(const std::filesystem::path& dir, const std::string& ifname) {
  std::error_code ec;
  return std::filesystem::exists(path_for(dir, ifname), ec);
}

journal journal::open(const std::filesystem::path& dir, const std::string& ifname) {
  const auto p = path_for(dir, ifname);
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) fail("mkdir", dir, errno, "run as root");
  unique_fd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd) fail("open", p, errno, "run as root");
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0)
    fail("flock", p, errno, "another xdpkit tune or revert is working on this interface");
  std::string text;
  {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  std::vector<nlohmann::json> entries;
  std::vector<std::size_t> offsets;
  std::size_t at = 0, lineno = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    ++lineno;
    if (nl == std::string::npos) {
      // A torn last line (no newline): the change it announced never started,
      // because the line is complete before the change is made. Cut it off so
      // the next append starts on a clean line.
      if (::ftruncate(fd.get(), static_cast<off_t>(at)) < 0 || ::fsync(fd.get()) < 0) fail("ftruncate", p, errno);
      break;
    }
    try {
      entries.push_back(nlohmann::json::parse(text.substr(at, nl - at)));
      offsets.push_back(at);
    } catch (const nlohmann::json::exception& e) {
      fail("parse", p, EPROTO, "line " + std::to_string(lineno) + " is not JSON: " + e.what());
    }
    at = nl + 1;
  }
  fsync_dir(dir);
  return journal(p, std::move(fd), std::move(entries), std::move(offsets));
}

journal::journal(std::filesystem::path path, unique_fd fd, std::vector<nlohmann::json> entries,
                 std::vector<std::size_t> offsets) noexcept
    : path_(std::move(path)), fd_(std::move(fd)), entries_(std::move(entries)), offsets_(std::move(offsets)) {}

void journal::append(const nlohmann::json& entry) {
  const off_t end = ::lseek(fd_.get(), 0, SEEK_END);
  if (end < 0) fail("lseek", path_, errno);
  write_all(fd_.get(), entry.dump() + "\n", path_);
  if (::fsync(fd_.get()) < 0) fail("fsync", path_, errno);
  entries_.push_back(entry);
  offsets_.push_back(static_cast<std::size_t>(end));
}

void journal::truncate(std::size_t n) {
  if (n >= entries_.size()) return;
  // Only trailing entries ever go, so cutting the file at the first dropped
  // line is enough, and a crash leaves either the old or the new length.
  if (::ftruncate(fd_.get(), static_cast<off_t>(offsets_[n])) < 0) fail("ftruncate", path_, errno);
  if (::fsync(fd_.get()) < 0) fail("fsync", path_, errno);
  entries_.resize(n);
  offsets_.resize(n);
}

void journal::remove() {
  if (!entries_.empty()) throw os_error(ENOTEMPTY, "remove", path_.string(), "the journal still has changes to revert");
  if (::unlink(path_.c_str()) < 0 && errno != ENOENT) fail("unlink", path_, errno);
  fsync_dir(path_.parent_path());
  fd_.reset();  // drops the lock too
}

}  // namespace xdpkit::ethtool
