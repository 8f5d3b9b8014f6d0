#include "xdpkit/userspace/error.hpp"

#include <gtest/gtest.h>

namespace xdpkit {
namespace {

TEST(OsError, MessageNamesOperationObjectReasonAndHint) {
  os_error e(EBUSY, "bind AF_XDP socket", "eth3 queue 2", "stop the other socket");
  EXPECT_STREQ(e.what(), "bind AF_XDP socket on eth3 queue 2: Device or resource busy — stop the other socket");
  EXPECT_EQ(e.err(), EBUSY);
  EXPECT_EQ(e.code(), std::errc::device_or_resource_busy);
}

TEST(OsError, NoHintNoDash) {
  os_error e(ENOENT, "open", "/x");
  EXPECT_STREQ(e.what(), "open on /x: No such file or directory");
}

TEST(OsError, ThrowHelperThrowsTheSameType) {
  EXPECT_THROW(throw_os_error(EPERM, "attach", "veth0"), os_error);
}

TEST(ErrnoOf, TakesNegativeOrPositive) {
  EXPECT_EQ(errno_of(-EINVAL), EINVAL);
  EXPECT_EQ(errno_of(EINVAL), EINVAL);
}

}  // namespace
}  // namespace xdpkit
