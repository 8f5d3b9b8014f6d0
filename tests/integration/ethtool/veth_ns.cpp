#include "veth_ns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace xdpkit::ethtool::itest {
namespace {

// Runs `ip` with arguments (no shell), returning its exit status.
int run_ip(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string ip = "ip";
  argv.push_back(ip.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    ::execvp("ip", argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void ip_or_throw(const std::vector<std::string>& args) {
  if (int rc = run_ip(args); rc != 0) {
    std::string cmd = "ip";
    for (const auto& a : args) cmd += " " + a;
    throw std::runtime_error("'" + cmd + "' failed with status " + std::to_string(rc));
  }
}

std::atomic<unsigned> g_seq{0};

}  // namespace

veth_ns::veth_ns(unsigned queues) {
  const std::string pid = std::to_string(::getpid());
  ns_ = "xkte" + pid + "n" + std::to_string(g_seq++);
  a_ = "xke" + pid + "a";
  b_ = "xke" + pid + "b";
  ip_or_throw({"netns", "add", ns_});
  try {
    const std::string q = std::to_string(queues);
    ip_or_throw({"-n", ns_, "link", "add", a_, "numtxqueues", q, "numrxqueues", q, "type", "veth", "peer", "name",
                 b_, "numtxqueues", q, "numrxqueues", q});
    ip_or_throw({"-n", ns_, "link", "set", a_, "up"});
    ip_or_throw({"-n", ns_, "link", "set", b_, "up"});
  } catch (...) {
    run_ip({"netns", "del", ns_});
    throw;
  }
}

veth_ns::~veth_ns() { run_ip({"netns", "del", ns_}); }  // the veth pair goes with it

bool netns_exists(const std::string& name) { return std::filesystem::exists("/run/netns/" + name); }

enter_ns::enter_ns(const std::string& ns) {
  previous_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (previous_ < 0) throw std::system_error(errno, std::generic_category(), "open /proc/thread-self/ns/net");
  const int target = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    const int err = errno;
    ::close(previous_);
    throw std::system_error(err, std::generic_category(), "open /run/netns/" + ns);
  }
  const int rc = ::setns(target, CLONE_NEWNET);
  const int err = errno;
  ::close(target);
  if (rc < 0) {
    ::close(previous_);
    throw std::system_error(err, std::generic_category(), "setns " + ns);
  }
}

enter_ns::~enter_ns() {
  ::setns(previous_, CLONE_NEWNET);
  ::close(previous_);
}

ns_sysfs::ns_sysfs() {
  // Private mounts: made once for the whole test process, which gtest runs
  // single-threaded; the host never sees the sysfs mount below.
  static const bool private_mounts = [] {
    if (::unshare(CLONE_NEWNS) < 0) throw std::system_error(errno, std::generic_category(), "unshare(CLONE_NEWNS)");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
      throw std::system_error(errno, std::generic_category(), "mount --make-rslave /");
    return true;
  }();
  (void)private_mounts;
  std::string tmpl = (std::filesystem::temp_directory_path() / "xdpkit-ethtool-ns-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
  dir_ = tmpl;
  std::filesystem::create_directory(dir_ / "sys");
  std::filesystem::create_symlink("/proc", dir_ / "proc");
  if (::mount("sysfs", (dir_ / "sys").c_str(), "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) {
    const int err = errno;
    std::filesystem::remove_all(dir_);
    throw std::system_error(err, std::generic_category(), "mount sysfs");
  }
}

ns_sysfs::~ns_sysfs() {
  ::umount2((dir_ / "sys").c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove(dir_ / "proc", ec);
  std::filesystem::remove(dir_ / "sys", ec);
  std::filesystem::remove(dir_, ec);
}

}  // namespace xdpkit::ethtool::itest
