// SPDX-License-Identifier: Apache-2.0
// xsk_socket: one AF_XDP socket bound to (interface, queue) on a umem, through
// libxdp's xsk API. xdpkit loads its own XDP program (steer_program), so libxdp's
// default program is never loaded here (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD).
#pragma once

#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include <cstdint>
#include <memory>
#include <string>

#include "xdpkit/userspace/umem.hpp"

namespace xdpkit {

enum class bind_mode {
  copy,       // works on every driver (veth: the only one)
  zero_copy,  // needs driver support; EOPNOTSUPP otherwise
  automatic,  // zero-copy when the driver has it, else copy
};

struct xsk_config {
  std::uint32_t rx_size = 2048;
  std::uint32_t tx_size = 2048;
  bool need_wakeup = true;
  bind_mode mode = bind_mode::copy;
  bool with_tx = true;
  // Preferred busy polling (SO_PREFER_BUSY_POLL + SO_BUSY_POLL + budget, 5.11+):
  // the worker's syscalls run the NIC's NAPI instead of waiting for its IRQ.
  // 0 = off. Pair with napi_defer_hard_irqs/gro_flush_timeout (xdpkit tune --busy-poll).
  int busy_poll_usec = 0;
  int busy_poll_budget = 64;
  // XDP_USE_SG (Linux 6.6+): frames over one buffer arrive as chained
  // descriptors (XDP_PKT_CONTD), and may be sent so. A socket sharing a UMEM
  // takes the UMEM's first socket's choice, whatever it asks.
  bool multi_buffer = false;
};

class xsk_socket {
 public:
  // Binds to `ifname` queue `queue` in the calling thread's network namespace.
  // The umem must outlive the socket. Throws os_error naming interface and
  // queue: ENODEV/EINVAL for a queue the interface doesn't have, EBUSY when
  // another socket holds it (retried briefly: the kernel releases a closed
  // socket's queue asynchronously), EOPNOTSUPP for zero-copy without support.
  static xsk_socket create(umem& area, const std::string& ifname, std::uint32_t queue,
                           const xsk_config& config);
  // A second socket on `area` (XDP_SHARED_UMEM), bound to another interface
  // or queue, with fill and completion rings of its own (the UMEM's are the
  // first socket's): a frame received on one socket can be transmitted on the
  // other with no copy in userspace. Same errors as create().
  static xsk_socket create_shared(umem& area, const std::string& ifname, std::uint32_t queue,
                                  const xsk_config& config);

  xsk_socket(xsk_socket&&) noexcept;
  xsk_socket& operator=(xsk_socket&&) noexcept;
  ~xsk_socket();

  int fd() const noexcept;
  xsk_ring_cons& rx() noexcept;
  xsk_ring_prod& tx() noexcept;
  // The fill and completion rings this socket's frames go through: its own
  // for a create_shared() socket, the UMEM's otherwise.
  xsk_ring_prod& fill() noexcept;
  xsk_ring_cons& completion() noexcept;
  bool zero_copy() const noexcept;
  bool need_wakeup() const noexcept;
  bool multi_buffer() const noexcept;
  std::uint32_t queue() const noexcept;
  int busy_poll_usec() const noexcept;
  // The NAPI instance the socket's packets arrive on (SO_INCOMING_NAPI_ID);
  // 0 until the first packet, and always 0 on veth.
  unsigned napi_id() const;
  const std::string& ifname() const noexcept;
  // The kernel's per-socket drop counters. Throws os_error.
  xdp_statistics statistics() const;

 private:
  struct state;
  explicit xsk_socket(std::unique_ptr<state> s) noexcept;
  static xsk_socket create_on(umem& area, const std::string& ifname, std::uint32_t queue, const xsk_config& config,
                              bool shared);
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit
