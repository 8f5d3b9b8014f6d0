// SPDX-License-Identifier: Apache-2.0
// base/: the owners, the one os_error, result<T> and not_supported.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "xdpkit/base/not_supported.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/base/regular_file.hpp"
#include "xdpkit/base/result.hpp"
#include "xdpkit/base/scope_exit.hpp"

namespace xdpkit {
namespace {

TEST(OsError, MessageNamesOperationObjectReasonAndHint) {
  os_error e(EBUSY, "bind AF_XDP socket", "eth3 queue 2", "stop the other socket");
  EXPECT_STREQ(e.what(), "bind AF_XDP socket on eth3 queue 2: Device or resource busy — stop the other socket");
  EXPECT_EQ(e.err(), EBUSY);
  EXPECT_EQ(e.code(), std::errc::device_or_resource_busy);
  EXPECT_EQ(e.operation(), "bind AF_XDP socket");
  EXPECT_EQ(e.object(), "eth3 queue 2");
  EXPECT_EQ(e.hint(), "stop the other socket");
}

TEST(OsError, APathIsTheVerbsDirectObject) {
  os_error e(ENOENT, "read", "/sys/devices/system/cpu/online");
  EXPECT_STREQ(e.what(), "read /sys/devices/system/cpu/online: No such file or directory");
}

TEST(OsError, NoObjectNoPreposition) {
  EXPECT_STREQ(os_error(ENOMEM, "nl_socket_alloc", "").what(), "nl_socket_alloc: Cannot allocate memory");
}

TEST(OsError, ThrowHelperThrowsTheSameType) {
  EXPECT_THROW(throw_os_error(EPERM, "attach", "veth0"), os_error);
}

TEST(ErrnoOf, TakesNegativeOrPositive) {
  EXPECT_EQ(errno_of(-EINVAL), EINVAL);
  EXPECT_EQ(errno_of(EINVAL), EINVAL);
}

TEST(Result, ValueOrRefusalAndValueOnARefusalThrowsIt) {
  result<int> ok = 7;
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 7);
  result<int> no = refusal{"ETHTOOL_SRXFH", "eth3", EOPNOTSUPP, "the driver has no RSS hash-field control"};
  ASSERT_FALSE(no);
  EXPECT_TRUE(no.refused().not_supported());
  EXPECT_EQ(no.refused().message(),
            "ETHTOOL_SRXFH on eth3: Operation not supported — the driver has no RSS hash-field control");
  try {
    (void)no.value();
    FAIL() << "value() of a refusal must throw";
  } catch (const os_error& e) {
    EXPECT_EQ(e.err(), EOPNOTSUPP);
    EXPECT_EQ(e.object(), "eth3");
    EXPECT_EQ(e.what(), no.refused().message());
  }
}

TEST(ScopeExit, RunsAtScopeEndUnlessReleased) {
  int runs = 0;
  {
    scope_exit undo([&] { ++runs; });
  }
  EXPECT_EQ(runs, 1);
  {
    scope_exit undo([&] { ++runs; });
    undo.release();
  }
  EXPECT_EQ(runs, 1);
}

TEST(KernelVersion, ParsesReleaseStrings) {
  EXPECT_EQ(kernel_version::parse("6.18.44-fc-v1272"), (kernel_version{6, 18, 44}));
  EXPECT_EQ(kernel_version::parse("5.15"), (kernel_version{5, 15, 0}));
  EXPECT_EQ(kernel_version::parse("6.1.0-28-amd64"), (kernel_version{6, 1, 0}));
  EXPECT_EQ(kernel_version::parse("6.8-rc3"), (kernel_version{6, 8, 0}));
  EXPECT_FALSE(kernel_version::parse("six"));
  EXPECT_FALSE(kernel_version::parse("6"));
  EXPECT_FALSE(kernel_version::parse(""));
  EXPECT_LT((kernel_version{5, 18, 0}), (kernel_version{6, 1, 0}));
  EXPECT_LT((kernel_version{6, 1, 9}), (kernel_version{6, 1, 10}));
}

TEST(KernelVersion, RunningKernelIsUnamesRelease) {
  utsname u{};
  ASSERT_EQ(::uname(&u), 0);
  EXPECT_EQ(running_kernel(), kernel_version::parse(u.release));
}

TEST(NotSupported, ExplainedOnlyByAnOlderKernel) {
  const not_supported n{"BPF_F_TEST_XDP_LIVE_FRAMES", {5, 18, 0}, "BPF_PROG_RUN: Invalid argument"};
  EXPECT_TRUE(n.explained_by({5, 15, 0}));
  EXPECT_FALSE(n.explained_by({5, 18, 0}));
  EXPECT_FALSE(n.explained_by({6, 18, 44}));
  EXPECT_EQ(n.message({5, 15, 3}),
            "BPF_F_TEST_XDP_LIVE_FRAMES needs Linux 5.18 or newer (this is 5.15.3): BPF_PROG_RUN: Invalid argument");
}

class ReadRegularFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / ("xk-read-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  // The read must fail, with `err`, naming the path.
  void expect_refused(const std::filesystem::path& p, int err, read_options o = {}) {
    try {
      (void)read_regular_file(p, "rules file", o);
      ADD_FAILURE() << p << " was read";
    } catch (const os_error& e) {
      EXPECT_EQ(e.err(), err) << e.what();
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("read rules file ", 0), 0u) << e.what();
    }
  }
  std::filesystem::path dir_;
};

TEST_F(ReadRegularFile, ReadsTheWholeFileBytesAndAll) {
  const std::string text("drop\0x\nmore\n", 12);
  EXPECT_EQ(read_regular_file(write("r", text), "rules file"), text);
}

// Issue 12: a FIFO hung every reader, /dev/zero ran to bad_alloc, a directory
// read as an empty rule set.
TEST_F(ReadRegularFile, AFifoIsRefusedAtOnceNotWaitedOn) {
  const auto fifo = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto t0 = std::chrono::steady_clock::now();
  expect_refused(fifo, EINVAL);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

TEST_F(ReadRegularFile, ADeviceADirectoryAndAMissingFileAreRefused) {
  expect_refused("/dev/zero", EINVAL);
  expect_refused(dir_, EISDIR);
  expect_refused(dir_ / "absent", ENOENT);
}

TEST_F(ReadRegularFile, MoreThanTheCapIsRefused) {
  const auto p = write("big", std::string(4096, 'x'));
  read_options o;
  o.max_bytes = 4096;
  EXPECT_EQ(read_regular_file(p, "rules file", o).size(), 4096u);
  o.max_bytes = 4095;
  expect_refused(p, EFBIG, o);
}

TEST_F(ReadRegularFile, ASymlinkIsRefusedWhenAskedNotToFollow) {
  const auto target = write("target", "x");
  std::filesystem::create_symlink(target, dir_ / "link");
  EXPECT_EQ(read_regular_file(dir_ / "link", "rules file"), "x");
  read_options o;
  o.follow_symlinks = false;
  expect_refused(dir_ / "link", ELOOP, o);
}

// Issue 12: "run as root" was printed to root. Root is told what refuses root.
TEST(PrivilegeHint, TellsRootSomethingOtherThanRunAsRoot) {
  const std::string h = privilege_hint("CAP_BPF");
  if (::geteuid() == 0) {
    EXPECT_EQ(h.find("run as root"), std::string::npos) << h;
    EXPECT_NE(h.find("already runs as root"), std::string::npos) << h;
  } else {
    EXPECT_EQ(h, "run as root (CAP_BPF)");
  }
  EXPECT_NE(h.find("CAP_BPF"), std::string::npos) << h;
}

// Issue 12: error text echoed control sequences and 10 MB words.
TEST(Quote, EscapesWhatCouldDriveATerminalAndCutsWhatIsLong) {
  EXPECT_EQ(quote("eth0"), "'eth0'");
  EXPECT_EQ(quote(std::string("a\x1b[2J\nb\0c", 9)), "'a\\x1b[2J\\nb\\x00c'");
  EXPECT_EQ(quote("it's \\"), "'it\\'s \\\\'");
  EXPECT_EQ(quote("\xc2\x9b"), "'\\xc2\\x9b'") << "C1 controls arrive as UTF-8";
  EXPECT_EQ(quote("\xe2\x80\xae"), "'\\xe2\\x80\\xae'") << "a right-to-left override reorders the line";
  EXPECT_EQ(quote("\xff\xc3("), "'\\xff\\xc3('") << "broken UTF-8";
  EXPECT_EQ(escape_controls("a — b, Zürich"), "a — b, Zürich") << "text stays text";
  const std::string big(10u << 20, 'A');
  const std::string q = quote(big);
  EXPECT_EQ(q, "'" + std::string(60, 'A') + "...' (10485760 bytes)");
  EXPECT_EQ(escape_controls("x\ty\x07", 2), "x\\t... (4 bytes)");
}

TEST(OsError, AnObjectFromOutsideIsEscaped) {
  const os_error e(ENODEV, "find interface", "x\x1b[31my");
  EXPECT_EQ(std::string(e.what()).find('\x1b'), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("x\\x1b[31my"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace xdpkit
