// SPDX-License-Identifier: Apache-2.0
// result<T>: a value, or the kernel's or driver's "no" to the one operation
// that should have produced it.
//
// Two kinds of "no" come back from a kernel. A refusal (EOPNOTSUPP, or EINVAL
// for a value out of a driver's range) is an answer a probe reports and a tune
// turns into a message; it travels as a `result<T>`. Anything else (EPERM,
// ENODEV, a broken reply) is an `os_error` exception. Both carry the
// operation, the object, the errno text and what the user can do.
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit {

// The "no" to one operation: "ETHTOOL_SRXFH on eth3: Operation not supported —
// the driver has no RSS hash-field control".
struct refusal {
  std::string op;
  std::string object;
  int err = 0;
  std::string hint;

  bool not_supported() const noexcept { return err == EOPNOTSUPP; }
  std::string message() const { return describe_failure(op, object, err, hint); }
  [[noreturn]] void raise() const { throw os_error(err, op, object, hint); }
};

// A set operation that succeeded has nothing else to say.
struct applied {
  bool operator==(const applied&) const = default;
};

// Either the value or the refusal. value() on a refusal throws it as an
// `os_error`, so callers that cannot go on without the value need no branch.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  result(refusal r) : v_(std::move(r)) {}    // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  const T& value() const& {
    if (!ok()) std::get<1>(v_).raise();
    return std::get<0>(v_);
  }
  T& value() & {
    if (!ok()) std::get<1>(v_).raise();
    return std::get<0>(v_);
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  // Only meaningful when !ok(); throws std::bad_variant_access otherwise.
  const refusal& refused() const { return std::get<1>(v_); }

 private:
  std::variant<T, refusal> v_;
};

}  // namespace xdpkit
