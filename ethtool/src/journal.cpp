#include "xdpkit/ethtool/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "xdpkit/ethtool/result.hpp"

namespace xdpkit::ethtool {
namespace {

[[noreturn]] void fail(const char* op, const std::filesystem::path& p, int err, std::string hint = {}) {
  throw error(op, p.string(), err, std::move(hint));
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
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc < 0) fail("fsync", dir, err);
}

void check_ifname(const std::string& ifname) {
  // Interface names cannot hold '/', but a caller's string could.
  if (ifname.empty() || ifname.find('/') != std::string::npos || ifname == "." || ifname == "..")
    throw error("journal", ifname, EINVAL, "not an interface name");
}

}  // namespace

std::uint64_t journal::current_netns() {
  // thread-self, not self: tests (and callers) enter a namespace with setns
  // on one thread only.
  struct stat st;
  if (::stat("/proc/thread-self/ns/net", &st) < 0)
    throw error("stat /proc/thread-self/ns/net", "-", errno, "is /proc mounted?");
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
  const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) fail("open", p, errno, "run as root");
  if (::flock(fd, LOCK_EX | LOCK_NB) < 0) {
    const int err = errno;
    ::close(fd);
    fail("flock", p, err, "another xdpkit tune or revert is working on this interface");
  }
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
      if (::ftruncate(fd, static_cast<off_t>(at)) < 0 || ::fsync(fd) < 0) {
        const int err = errno;
        ::close(fd);
        fail("ftruncate", p, err);
      }
      break;
    }
    try {
      entries.push_back(nlohmann::json::parse(text.substr(at, nl - at)));
      offsets.push_back(at);
    } catch (const nlohmann::json::exception& e) {
      ::close(fd);
      fail("parse", p, EPROTO, "line " + std::to_string(lineno) + " is not JSON: " + e.what());
    }
    at = nl + 1;
  }
  fsync_dir(dir);
  return journal(p, fd, std::move(entries), std::move(offsets));
}

journal::journal(std::filesystem::path path, int fd, std::vector<nlohmann::json> entries,
                 std::vector<std::size_t> offsets) noexcept
    : path_(std::move(path)), fd_(fd), entries_(std::move(entries)), offsets_(std::move(offsets)) {}

journal::journal(journal&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(std::exchange(o.fd_, -1)),
      entries_(std::move(o.entries_)),
      offsets_(std::move(o.offsets_)) {}

journal& journal::operator=(journal&& o) noexcept {
  if (this != &o) {
    close();
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    entries_ = std::move(o.entries_);
    offsets_ = std::move(o.offsets_);
  }
  return *this;
}

journal::~journal() { close(); }

void journal::close() noexcept {
  if (fd_ >= 0) ::close(fd_);  // drops the lock too
  fd_ = -1;
}

void journal::append(const nlohmann::json& entry) {
  const off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) fail("lseek", path_, errno);
  write_all(fd_, entry.dump() + "\n", path_);
  if (::fsync(fd_) < 0) fail("fsync", path_, errno);
  entries_.push_back(entry);
  offsets_.push_back(static_cast<std::size_t>(end));
}

void journal::truncate(std::size_t n) {
  if (n >= entries_.size()) return;
  // Only trailing entries ever go, so cutting the file at the first dropped
  // line is enough, and a crash leaves either the old or the new length.
  if (::ftruncate(fd_, static_cast<off_t>(offsets_[n])) < 0) fail("ftruncate", path_, errno);
  if (::fsync(fd_) < 0) fail("fsync", path_, errno);
  entries_.resize(n);
  offsets_.resize(n);
}

void journal::remove() {
  if (!entries_.empty()) throw error("remove", path_.string(), ENOTEMPTY, "the journal still has changes to revert");
  if (::unlink(path_.c_str()) < 0 && errno != ENOENT) fail("unlink", path_, errno);
  fsync_dir(path_.parent_path());
  close();
}

}  // namespace xdpkit::ethtool
