// SPDX-License-Identifier: Apache-2.0
// os_error: the one error for a failed kernel or library call, in every layer.
// It carries the errno, what was being done, to what, and what the user can do.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace xdpkit {

// "<operation> on <object>: <strerror(err)>[ — <hint>]", e.g.
//   "bind AF_XDP socket on veth0 queue 3: Device or resource busy — another
//    socket is bound there; stop it or pick another --queue"
// A path is the direct object of its verb, so it joins with a space:
//   "read /sys/devices/system/cpu/online: Permission denied — run as root"
// An empty object leaves "<operation>: <strerror(err)>".
std::string describe_failure(std::string_view operation, std::string_view object, int err,
                             std::string_view hint = {});

class os_error : public std::system_error {
 public:
  os_error(int err, std::string_view operation, std::string_view object, std::string_view hint = {});
  const char* what() const noexcept override { return message_.c_str(); }
  int err() const noexcept { return code().value(); }
  const std::string& operation() const noexcept { return operation_; }
  // The interface, path or socket: "eth3", "/proc/irq/60/smp_affinity_list".
  const std::string& object() const noexcept { return object_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string operation_, object_, hint_, message_;
};

[[noreturn]] void throw_os_error(int err, std::string_view operation, std::string_view object,
                                 std::string_view hint = {});

// libbpf and libxdp return -errno (or set errno and return NULL); this takes either.
inline int errno_of(int ret) noexcept { return ret < 0 ? -ret : ret; }

}  // namespace xdpkit
