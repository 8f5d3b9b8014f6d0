// Errors and answers of NIC control.
//
// Two kinds of "no" come back from a driver. A refusal (EOPNOTSUPP, or EINVAL
// for a value out of the driver's range) is an answer a probe reports and a
// tune turns into a message; it travels as a `result<T>`. Anything else
// (EPERM, ENODEV, a broken reply) is an `ethtool::error` exception. Both carry
// the operation, the interface, the errno text and what the user can do.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace xdpkit::ethtool {

// "ETHTOOL_SRXFH on eth3: Operation not supported — the driver has no RSS
// hash-field control". The hint is omitted when empty.
std::string describe_failure(const std::string& op, const std::string& ifname, int err,
                             const std::string& hint);

// A control-plane failure that is not an answer about the driver's abilities.
class error : public std::system_error {
 public:
  error(std::string op, std::string ifname, int err, std::string hint = {});
  const std::string& op() const noexcept { return op_; }
  const std::string& ifname() const noexcept { return ifname_; }
  const std::string& hint() const noexcept { return hint_; }
  // The whole sentence; std::system_error's own what() would append the errno
  // text after the hint.
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  std::string op_, ifname_, hint_, text_;
};

// The driver's "no" to one operation.
struct refusal {
  std::string op;
  std::string ifname;
  int err = 0;
  std::string hint;

  bool not_supported() const noexcept { return err == EOPNOTSUPP; }
  std::string message() const { return describe_failure(op, ifname, err, hint); }
  [[noreturn]] void raise() const { throw error(op, ifname, err, hint); }
};

// A set operation that succeeded has nothing else to say.
struct applied {
  bool operator==(const applied&) const = default;
};

// Either the value or the driver's refusal. value() on a refusal throws the
// refusal as an `error`, so callers that cannot go on without the value need
// no branch of their own.
template <class T>
class result {
 public:
  result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  result(refusal r) : v_(std::move(r)) {}           // NOLINT

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

}  // namespace xdpkit::ethtool
