// Control-plane errors: what was done, to what, why it failed, what to do.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace xdpkit {

// A failed kernel or library call. what() reads
//   "<operation> on <object>: <strerror(err)>[ — <hint>]"
// e.g. "bind AF_XDP socket on veth0 queue 3: Device or resource busy — another
// socket is bound there; stop it or pick another --queue".
class os_error : public std::system_error {
 public:
  os_error(int err, std::string_view operation, std::string_view object, std::string_view hint = {});
  const char* what() const noexcept override { return message_.c_str(); }
  int err() const noexcept { return code().value(); }

 private:
  std::string message_;
};

[[noreturn]] void throw_os_error(int err, std::string_view operation, std::string_view object,
                                 std::string_view hint = {});

// libbpf and libxdp return -errno (or set errno and return NULL); this takes either.
inline int errno_of(int ret) noexcept { return ret < 0 ? -ret : ret; }

}  // namespace xdpkit
