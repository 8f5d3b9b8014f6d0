// SPDX-License-Identifier: Apache-2.0
// The service's control socket, RUN_DIR/control.sock (a unix stream socket,
// mode 0600): one request line in, one JSON line out, then the connection
// closes. `xdpkit ctl reload` is systemd's ExecReload: it returns when the
// reload is done, with its result, which a bare `kill -HUP` cannot. It is
// also the way in for what comes later (status, a hot restart's handover).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::service {

std::filesystem::path control_socket_path(const std::filesystem::path& run_dir);

class control_socket {
 public:
  // Binds `path`. A socket file nobody answers on (a dead service's) is
  // replaced; one a live service answers on is refused (os_error, EADDRINUSE,
  // naming the path): two services must not share a run directory.
  explicit control_socket(std::filesystem::path path);
  ~control_socket();  // closes and unlinks
  control_socket(const control_socket&) = delete;
  control_socket& operator=(const control_socket&) = delete;

  // Answers every request waiting now, without blocking for new ones: the
  // owner's loop calls it between its other work. `handle` gets the request
  // line (without its newline) and returns the reply line.
  void serve(const std::function<std::string(std::string_view request)>& handle);

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  unique_fd fd_;
};

// Sends `request` to the service at `path` and returns its reply line.
// Throws os_error naming the path (ENOENT, ECONNREFUSED: no service runs
// there) or ETIMEDOUT when no reply came within `timeout`.
std::string control_request(const std::filesystem::path& path, std::string_view request,
                            std::chrono::milliseconds timeout);

}  // namespace xdpkit::service
