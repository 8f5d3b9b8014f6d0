// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/os_error.hpp"

#include <cstring>

#include "xdpkit/base/quote.hpp"

namespace xdpkit {

std::string describe_failure(std::string_view operation, std::string_view object, int err,
                             std::string_view hint) {
  std::string m(operation);
  // The object is often outside text (an interface name typed by a user, a
  // path under --root): escaped and cut so it cannot drive the terminal.
  if (!object.empty()) m.append(object.front() == '/' ? " " : " on ").append(escape_controls(object, 512));
  m.append(": ").append(std::strerror(err));
  if (!hint.empty()) m.append(" — ").append(hint);
  return m;
}

os_error::os_error(int err, std::string_view operation, std::string_view object, std::string_view hint)
    : std::system_error(err, std::generic_category()),
      operation_(operation),
      object_(object),
      hint_(hint),
      message_(describe_failure(operation, object, err, hint)) {}

void throw_os_error(int err, std::string_view operation, std::string_view object, std::string_view hint) {
  throw os_error(err, operation, object, hint);
}

}  // namespace xdpkit
