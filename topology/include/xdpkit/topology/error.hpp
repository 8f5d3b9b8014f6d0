// SPDX-License-Identifier: Apache-2.0
// Errors of the topology library. A file under the root that cannot be
// opened, read or written is xdpkit::os_error (base/os_error.hpp: the errno,
// the real path, a hint); a file that was read but whose text is not what the
// kernel writes is parse_error (what was being parsed, the source, the reason).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include "xdpkit/base/os_error.hpp"

namespace xdpkit::topology {

// what() reads "<subject> in <source>: <detail>", e.g.
// "cpu list in /sys/devices/system/cpu/online: '3-1' is a descending range".
class parse_error : public std::runtime_error {
 public:
  parse_error(std::string_view subject, std::string_view source, std::string_view detail);
  const std::string& source() const noexcept { return source_; }

 private:
  std::string source_;
};

}  // namespace xdpkit::topology
