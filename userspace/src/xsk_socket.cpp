// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/xsk_socket.hpp"

#include <linux/if_link.h>

#include "xdpkit/userspace/frame_batch.hpp"  // XDP_USE_SG where the headers lack it
#include <sys/socket.h>

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit {

struct xsk_socket::state {
  std::string ifname;
  std::uint32_t queue = 0;
  bool zero_copy = false;
  bool need_wakeup = false;
  bool multi_buffer = false;
  int busy_poll_usec = 0;
  xsk_ring_cons rx{};
  xsk_ring_prod tx{};
  bool shared = false;   // create_shared(): the rings below are this socket's
  xsk_ring_prod own_fill{};
  xsk_ring_cons own_comp{};
  umem* area = nullptr;
  ::xsk_socket* handle = nullptr;
  ~state() {
    if (handle) xsk_socket__delete(handle);
  }
};

xsk_socket::xsk_socket(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
xsk_socket::xsk_socket(xsk_socket&&) noexcept = default;
xsk_socket& xsk_socket::operator=(xsk_socket&&) noexcept = default;
xsk_socket::~xsk_socket() = default;

namespace {

std::string object_name(const std::string& ifname, std::uint32_t queue) {
  return ifname + " queue " + std::to_string(queue);
}

std::string bind_hint(int err, bool zero_copy, bool multi_buffer) {
  if (multi_buffer && (err == EINVAL || err == EOPNOTSUPP))
    return "multi-buffer AF_XDP (XDP_USE_SG) needs Linux 6.6+ (zero-copy also the driver's support); without "
           "--multi-buffer, keep the MTU within one page (about 3,500 bytes)";
  switch (err) {
    case EBUSY: return "another AF_XDP socket is bound to this queue; stop it or pick another --queue";
    case EOPNOTSUPP:
      return zero_copy ? "the driver has no zero-copy AF_XDP; use copy mode (--bind copy)"
                       : "the interface does not support AF_XDP";
    case EINVAL:
    case ENODEV: return "the queue may not exist; see `ethtool -l IF` (or `xdpkit probe IF`) for its channels";
    case ENOMEM: return "raise RLIMIT_MEMLOCK or reduce ring sizes";
    default: return {};
  }
}

}  // namespace

xsk_socket xsk_socket::create(umem& area, const std::string& ifname, std::uint32_t queue,
                              const xsk_config& config) {
  return create_on(area, ifname, queue, config, false);
}

xsk_socket xsk_socket::create_shared(umem& area, const std::string& ifname, std::uint32_t queue,
                                     const xsk_config& config) {
  return create_on(area, ifname, queue, config, true);
}

xsk_socket xsk_socket::create_on(umem& area, const std::string& ifname, std::uint32_t queue, const xsk_config& config,
                                 bool shared) {
  auto st = std::make_unique<state>();
  st->shared = shared;
  st->area = &area;
  st->ifname = ifname;
  st->queue = queue;
  st->need_wakeup = config.need_wakeup;
  st->multi_buffer = config.multi_buffer;

  auto try_bind = [&](bool zero_copy) {
    xsk_socket_config c{};
    c.rx_size = config.rx_size;
    c.tx_size = config.tx_size;
    c.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
    c.xdp_flags = 0;
    c.bind_flags = static_cast<__u16>((zero_copy ? XDP_ZEROCOPY : XDP_COPY) |
                                      (config.need_wakeup ? XDP_USE_NEED_WAKEUP : 0) |
                                      (config.multi_buffer ? XDP_USE_SG : 0));
    // A socket closed a moment ago releases its queue asynchronously (the
    // kernel defers the umem teardown), so EBUSY right after a close is
    // usually transient: retry for up to a second before calling it real.
    int ret = 0;
    for (int attempt = 0; attempt < 20; ++attempt) {
      ret = shared ? xsk_socket__create_shared(&st->handle, ifname.c_str(), queue, area.handle(), &st->rx,
                                               config.with_tx ? &st->tx : nullptr, &st->own_fill, &st->own_comp, &c)
                   : xsk_socket__create(&st->handle, ifname.c_str(), queue, area.handle(), &st->rx,
                                        config.with_tx ? &st->tx : nullptr, &c);
      if (ret != -EBUSY) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (ret) st->handle = nullptr;
    return ret;
  };

  int ret;
  if (config.mode == bind_mode::automatic) {
    ret = try_bind(true);
    st->zero_copy = ret == 0;
    if (ret == -EOPNOTSUPP || ret == -EINVAL) ret = try_bind(false);
  } else {
    st->zero_copy = config.mode == bind_mode::zero_copy;
    ret = try_bind(st->zero_copy);
  }
  if (ret) {
    int err = errno_of(ret);
    throw_os_error(err, std::string("bind AF_XDP socket (") + (st->zero_copy ? "zero-copy" : "copy") + ")",
                   object_name(ifname, queue), bind_hint(err, st->zero_copy, config.multi_buffer));
  }
  if (config.busy_poll_usec > 0) {
    const int fd = xsk_socket__fd(st->handle);
    auto set = [&](int opt, int value, const char* name, const char* hint) {
      if (setsockopt(fd, SOL_SOCKET, opt, &value, sizeof(value)))
        throw_os_error(errno, std::string("set ") + name + " = " + std::to_string(value), object_name(ifname, queue),
                       hint);
    };
    set(SO_PREFER_BUSY_POLL, 1, "SO_PREFER_BUSY_POLL", "needs Linux 5.11+");
    set(SO_BUSY_POLL, config.busy_poll_usec, "SO_BUSY_POLL", "needs CAP_NET_ADMIN above net.core.busy_read");
    set(SO_BUSY_POLL_BUDGET, config.busy_poll_budget, "SO_BUSY_POLL_BUDGET", "needs CAP_NET_ADMIN; Linux 5.11+");
    st->busy_poll_usec = config.busy_poll_usec;
  }
  // Ask the kernel what it actually did rather than trusting the request.
  xdp_options opts{};
  socklen_t len = sizeof(opts);
  if (getsockopt(xsk_socket__fd(st->handle), SOL_XDP, XDP_OPTIONS, &opts, &len) == 0)
    st->zero_copy = opts.flags & XDP_OPTIONS_ZEROCOPY;
  return xsk_socket(std::move(st));
}

int xsk_socket::fd() const noexcept { return xsk_socket__fd(s_->handle); }
xsk_ring_cons& xsk_socket::rx() noexcept { return s_->rx; }
xsk_ring_prod& xsk_socket::tx() noexcept { return s_->tx; }
xsk_ring_prod& xsk_socket::fill() noexcept { return s_->shared ? s_->own_fill : s_->area->fill(); }
xsk_ring_cons& xsk_socket::completion() noexcept { return s_->shared ? s_->own_comp : s_->area->completion(); }
bool xsk_socket::zero_copy() const noexcept { return s_->zero_copy; }
bool xsk_socket::need_wakeup() const noexcept { return s_->need_wakeup; }
bool xsk_socket::multi_buffer() const noexcept { return s_->multi_buffer; }
std::uint32_t xsk_socket::queue() const noexcept { return s_->queue; }
int xsk_socket::busy_poll_usec() const noexcept { return s_->busy_poll_usec; }

unsigned xsk_socket::napi_id() const {
  unsigned id = 0;
  socklen_t len = sizeof(id);
  if (getsockopt(fd(), SOL_SOCKET, SO_INCOMING_NAPI_ID, &id, &len))
    throw_os_error(errno, "read SO_INCOMING_NAPI_ID", object_name(s_->ifname, s_->queue));
  return id;
}
const std::string& xsk_socket::ifname() const noexcept { return s_->ifname; }

xdp_statistics xsk_socket::statistics() const {
  xdp_statistics st{};
  socklen_t len = sizeof(st);
  if (getsockopt(fd(), SOL_XDP, XDP_STATISTICS, &st, &len))
    throw_os_error(errno, "read XDP_STATISTICS", object_name(s_->ifname, s_->queue));
  return st;
}

}  // namespace xdpkit
