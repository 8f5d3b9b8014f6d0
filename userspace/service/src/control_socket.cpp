// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/control_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit::service {

namespace {

sockaddr_un address_of(const std::filesystem::path& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof(a.sun_path))
    throw_os_error(ENAMETOOLONG, "use control socket", path.string(),
                   "a unix socket path is at most " + std::to_string(sizeof(a.sun_path) - 1) + " bytes; use a shorter --run-dir");
  std::memcpy(a.sun_path, path.c_str(), path.native().size());
  return a;
}

unique_fd connect_to(const std::filesystem::path& path) {
  const sockaddr_un a = address_of(path);
  unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw_os_error(errno, "create control socket", path.string());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof(a)) < 0)
    throw_os_error(errno, "connect to the service", path.string(),
                   errno == ENOENT || errno == ECONNREFUSED ? "is `xdpkit up` running with this --run-dir?" : "");
  return fd;
}

// Reads up to the first newline, waiting at most `timeout` in all.
bool read_line(int fd, std::string& line, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  char b[4096];
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    const ssize_t n = ::read(fd, b, sizeof(b));
    if (n <= 0) return false;
    line.append(b, static_cast<std::size_t>(n));
    if (line.size() > 65536) return false;
  }
  line.erase(line.find('\n'));
  return true;
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    const ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away: nothing to tell it
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::filesystem::path control_socket_path(const std::filesystem::path& run_dir) { return run_dir / "control.sock"; }

control_socket::control_socket(std::filesystem::path path) : path_(std::move(path)) {
  const sockaddr_un a = address_of(path_);
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  if (std::filesystem::is_socket(path_, ec)) {
    bool live = true;
    try {
      (void)connect_to(path_);
    } catch (const std::exception&) {
      live = false;
    }
    if (live)
      throw_os_error(EADDRINUSE, "listen for control requests", path_.string(),
                     "another `xdpkit up` serves this run directory; give this one its own --run-dir");
    ::unlink(path_.c_str());  // a dead service's
  }
  fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd_) throw_os_error(errno, "create control socket", path_.string());
  // Only root (the service's user) may ask it to reload or hand over.
  const mode_t old = ::umask(0177);
  const int b = ::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&a), sizeof(a));
  const int err = errno;
  ::umask(old);
  if (b < 0) throw_os_error(err, "bind control socket", path_.string());
  if (::listen(fd_.get(), 8) < 0) throw_os_error(errno, "listen on control socket", path_.string());
}

control_socket::~control_socket() {
  fd_.reset();
  ::unlink(path_.c_str());
}

void control_socket::serve(const std::function<std::string(std::string_view)>& handle) {
  for (;;) {
    unique_fd c(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!c) return;  // EAGAIN: nobody waiting (or an error the next call meets again)
    std::string line;
    // A client that connects and says nothing must not stall the service.
    if (!read_line(c.get(), line, std::chrono::milliseconds(1000))) continue;
    write_all(c.get(), handle(line) + "\n");
  }
}

std::string control_request(const std::filesystem::path& path, std::string_view request,
                            std::chrono::milliseconds timeout) {
  unique_fd fd = connect_to(path);
  write_all(fd.get(), std::string(request) + "\n");
  std::string reply;
  if (!read_line(fd.get(), reply, timeout))
    throw_os_error(ETIMEDOUT, "wait for the service's reply to '" + std::string(request) + "'", path.string());
  return reply;
}

}  // namespace xdpkit::service
