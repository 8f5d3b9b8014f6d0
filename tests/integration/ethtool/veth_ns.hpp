// A network namespace holding one veth pair, made and always removed by the
// test (RAII), plus the two things a test needs to act inside it from its
// own thread: entering it (setns on this thread only) and a sysfs mount that
// shows its devices (sysfs shows the namespace of whoever mounted it).
#pragma once

#include <filesystem>
#include <string>

namespace xdpkit::ethtool::itest {

// netns "xkte<pid>n<seq>" with veth "xke<pid>a" <-> "xke<pid>b", both up,
// each end with `queues` rx/tx queues available (1 in use). Throws
// std::runtime_error naming the failed `ip` command; removes what it made.
class veth_ns {
 public:
  explicit veth_ns(unsigned queues = 4);
  veth_ns(const veth_ns&) = delete;
  veth_ns& operator=(const veth_ns&) = delete;
  ~veth_ns();

  const std::string& ns() const noexcept { return ns_; }
  const std::string& a() const noexcept { return a_; }
  const std::string& b() const noexcept { return b_; }

 private:
  std::string ns_, a_, b_;
};

// Moves the calling thread into `ns` and back on destruction.
class enter_ns {
 public:
  explicit enter_ns(const std::string& ns);
  enter_ns(const enter_ns&) = delete;
  enter_ns& operator=(const enter_ns&) = delete;
  ~enter_ns();

 private:
  int previous_ = -1;
};

// A private mount namespace for this process (so nothing mounted here is
// seen by, or left on, the host) with sysfs mounted at <tmp>/sys while the
// thread is inside the test namespace, and <tmp>/proc pointing at /proc.
// root() is the host_root to hand to probe/tune.
class ns_sysfs {
 public:
  ns_sysfs();  // call while inside the namespace
  ns_sysfs(const ns_sysfs&) = delete;
  ns_sysfs& operator=(const ns_sysfs&) = delete;
  ~ns_sysfs();

  const std::filesystem::path& root() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
};

bool netns_exists(const std::string& name);

}  // namespace xdpkit::ethtool::itest
