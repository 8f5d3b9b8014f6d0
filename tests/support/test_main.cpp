// SPDX-License-Identifier: Apache-2.0
// The main() of every GoogleTest binary in tests/: GoogleTest's own, plus a
// listener that fails any test which leaves a file descriptor open. Every
// kernel resource here is an fd (sockets, BPF objects, namespaces, netlink),
// so an fd that outlives its test is a leak of something the RAII owners
// should have closed.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <string>

namespace {

// fd -> what it points at (readlink of /proc/self/fd/N), read without opening
// anything that stays open: the directory stream's own fd is left out.
std::map<int, std::string> open_fds() {
  std::map<int, std::string> fds;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return fds;
  const int own = dirfd(d);
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const int fd = std::atoi(e->d_name);
    if (fd == own) continue;
    char target[PATH_MAX];
    const std::string link = std::string("/proc/self/fd/") + e->d_name;
    const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
    fds[fd] = n > 0 ? std::string(target, static_cast<std::size_t>(n)) : "?";
  }
  closedir(d);
  return fds;
}

class fd_leak_listener : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override { before_ = open_fds(); }
  void OnTestEnd(const ::testing::TestInfo&) override {
    std::string leaked;
    for (const auto& [fd, what] : open_fds())
      if (!before_.count(fd)) leaked += " " + std::to_string(fd) + " -> " + what + ";";
    // Failures may be raised in any listener callback but OnTestPartResult.
    EXPECT_TRUE(leaked.empty()) << "the test left file descriptors open:" << leaked;
  }
  std::map<int, std::string> before_;
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new fd_leak_listener);
  return RUN_ALL_TESTS();
}
