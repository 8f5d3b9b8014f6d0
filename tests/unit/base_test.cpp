// SPDX-License-Identifier: Apache-2.0
// base/: the owners, the one os_error, result<T> and not_supported.
#include <fcntl.h>
#include <sys/utsname.h>

#include <gtest/gtest.h>

#include "xdpkit/base/not_supported.hpp"
#include "xdpkit/base/os_error.hpp"
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

}  // namespace
}  // namespace xdpkit
