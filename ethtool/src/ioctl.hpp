// SPDX-License-Identifier: Apache-2.0
// Private helpers for issuing ethtool ioctls through the transport.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool::detail {

// Request structs go to the kernel byte for byte, and unit tests compare those
// bytes, so padding must be zero: value-initialisation does not promise that.
template <class T>
T zeroed() {
  static_assert(std::is_trivially_copyable_v<T>);
  T t;
  std::memset(&t, 0, sizeof t);
  return t;
}

template <class T>
int call(const device& d, T& request) {
  return d.io().ethtool_ioctl(d.name(), std::as_writable_bytes(std::span<T, 1>(&request, 1)));
}

// A "get" answered with EOPNOTSUPP is a fact about the driver; other errors
// (EPERM, ENODEV, EFAULT) are not and throw.
inline std::string advice(int err) {
  if (err == EPERM) return privilege_hint("CAP_NET_ADMIN");
  if (err == ENODEV) return "no such interface in this network namespace (`ip -br link` lists them)";
  return {};
}

inline refusal refuse_or_throw(const device& d, const char* op, int rc, std::string hint) {
  const int err = -rc;
  if (err == EOPNOTSUPP) return refusal{op, d.name(), err, std::move(hint)};
  throw os_error(err, op, d.name(), advice(err));
}

// A "set" may also be refused with EINVAL (value out of the driver's range).
inline refusal refuse_set_or_throw(const device& d, const char* op, int rc,
                                   std::string unsupported_hint, std::string range_hint) {
  const int err = -rc;
  if (err == EOPNOTSUPP) return refusal{op, d.name(), err, std::move(unsupported_hint)};
  if (err == EINVAL) return refusal{op, d.name(), err, std::move(range_hint)};
  throw os_error(err, op, d.name(), advice(err));
}

}  // namespace xdpkit::ethtool::detail
