// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "xdpkit/base/ifname.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/base/read_all.hpp"

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
  // A name that cannot be an interface must not name a file beside the journals.
  if (!is_valid_ifname(ifname))
    throw os_error(EINVAL, "journal", ifname.substr(0, 64), "not an interface name (" + std::string(ifname_rule) + ")");
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

std::optional<journal::file_name> journal::parse_file_name(const std::filesystem::path& path) {
  if (path.extension() != ".journal") return std::nullopt;
  const std::string stem = path.stem().string();
  const auto dash = stem.find('-');
  if (dash == std::string::npos || dash == 0 || dash > 20) return std::nullopt;
  if (stem.find_first_not_of("0123456789") != dash) return std::nullopt;
  file_name f{std::stoull(stem.substr(0, dash)), stem.substr(dash + 1)};
  if (f.ifname.empty()) return std::nullopt;
  return f;
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

journal_text parse_journal_text(std::string_view text) {
  journal_text out;
  std::size_t at = 0, lineno = 0;
  while (at < text.size()) {
    const std::size_t nl = text.find('\n', at);
    ++lineno;
    if (nl == std::string_view::npos) {
      // The writer fsyncs a whole line before its change, so a line without
      // its newline is a crash mid-write (its change never started) or a
      // damaged file: which one, only the user can tell.
      out.damaged.push_back({lineno, "torn: no newline at its end"});
      break;
    }
    const std::string_view line = text.substr(at, nl - at);
    try {
      auto j = nlohmann::json::parse(line);
      if (!j.is_object() || !j.contains("step") || !j["step"].is_string())
        out.damaged.push_back({lineno, "not a step (a JSON object with a \"step\" string)"});
      else {
        out.entries.push_back(std::move(j));
        out.offsets.push_back(at);
        out.lines.push_back(lineno);
      }
    } catch (const nlohmann::json::exception&) {
      out.damaged.push_back({lineno, "not JSON"});
    }
    at = nl + 1;
  }
  return out;
}

journal journal::open(const std::filesystem::path& dir, const std::string& ifname, damage_policy on_damage) {
  return open(dir, current_netns(), ifname, on_damage);
}

journal journal::open(const std::filesystem::path& dir, std::uint64_t netns, const std::string& ifname,
                      damage_policy on_damage) {
  return open_file(path_for(dir, netns, ifname),
                   "`xdpkit revert " + ifname + " --force` restores what the other lines record and keeps a copy as " +
                       path_for(dir, netns, ifname).string() + ".damaged; or remove the journal once the device is as you want it",
                   on_damage);
}

journal journal::open_file(const std::filesystem::path& p, const std::string& damage_remedy, damage_policy on_damage) {
  const std::filesystem::path dir = p.parent_path();
  if (::mkdir(dir.c_str(), 0700) < 0 && errno == ENOENT) {
    // RUN_DIR itself may not exist yet (RUN_DIR/up is the journals' directory).
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);
    (void)::mkdir(dir.c_str(), 0700);
  }
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) {
    const int err = errno;
    fail("mkdir", dir, err, err == EACCES || err == EPERM ? privilege_hint() : "");
  };
  // O_NOFOLLOW: a symlink in the journal's place would have its target
  // written (and truncated by revert). O_NONBLOCK: a FIFO there must not hang.
  unique_fd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600));
  if (!fd) {
    const int err = errno;
    fail("open", p, err,
         err == ELOOP ? "a symlink stands where the journal should be; remove it"
         : err == EACCES || err == EPERM ? privilege_hint()
                                         : "");
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0)
    fail("flock", p, errno, "another xdpkit holds this journal (a tune, a revert or a running `xdpkit up`)");
  // Read from the locked fd (offset 0: O_APPEND moves only writes), so what
  // is parsed is what the lock protects.
  std::string text;
  if (const auto failed = read_all(fd.get(), 16u << 20, text)) {
    if (!failed->kind.empty()) fail("open", p, failed->err, "it is " + std::string(failed->kind) + ", not a regular file; remove it");
    fail("read", p, failed->err, failed->err == EFBIG ? "larger than any journal xdpkit writes" : "");
  }
  journal_text parsed = parse_journal_text(text);
  if (!parsed.damaged.empty() && on_damage == damage_policy::refuse) {
    std::string lines;
    for (const auto& d : parsed.damaged)
      lines += (lines.empty() ? "" : "; ") + ("line " + std::to_string(d.line) + " is " + d.why);
    fail("replay journal", p, EPROTO, lines + ". The file is kept and blocks what would replay it: " + damage_remedy);
  }
  fsync_dir(dir);
  return journal(p, std::move(fd), std::move(parsed));
}

journal::journal(std::filesystem::path path, unique_fd fd, journal_text text) noexcept
    : path_(std::move(path)),
      fd_(std::move(fd)),
      entries_(std::move(text.entries)),
      offsets_(std::move(text.offsets)),
      lines_(std::move(text.lines)),
      damaged_(std::move(text.damaged)) {}

void journal::append(const nlohmann::json& entry) {
  const off_t end = ::lseek(fd_.get(), 0, SEEK_END);
  if (end < 0) fail("lseek", path_, errno);
  write_all(fd_.get(), entry.dump() + "\n", path_);
  if (::fsync(fd_.get()) < 0) fail("fsync", path_, errno);
  entries_.push_back(entry);
  offsets_.push_back(static_cast<std::size_t>(end));
  lines_.push_back(lines_.empty() ? 1 : lines_.back() + 1);
}

void journal::truncate(std::size_t n) {
  if (n >= entries_.size()) return;
  // Only trailing entries ever go, so cutting the file at the first dropped
  // line is enough, and a crash leaves either the old or the new length.
  if (::ftruncate(fd_.get(), static_cast<off_t>(offsets_[n])) < 0) fail("ftruncate", path_, errno);
  if (::fsync(fd_.get()) < 0) fail("fsync", path_, errno);
  entries_.resize(n);
  offsets_.resize(n);
  lines_.resize(n);
}

void journal::remove() {
  if (!entries_.empty()) throw os_error(ENOTEMPTY, "remove", path_.string(), "the journal still has changes to revert");
  if (::unlink(path_.c_str()) < 0 && errno != ENOENT) fail("unlink", path_, errno);
  fsync_dir(path_.parent_path());
  fd_.reset();  // drops the lock too
}

}  // namespace xdpkit::ethtool
