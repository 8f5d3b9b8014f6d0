// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/host_xdp.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/unique_fd.hpp"

#ifndef AF_XDP
#define AF_XDP 44
#endif

namespace xdpkit {

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

void add_program(std::vector<attached_xdp_program>& out, const std::string& ifname, unsigned ifindex,
                 const char* mode, std::uint32_t id) {
  if (!id) return;
  attached_xdp_program p;
  p.ifname = ifname;
  p.ifindex = ifindex;
  p.mode = mode;
  p.prog_id = id;
  unique_fd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) throw_os_error(errno, "open XDP program " + std::to_string(id), ifname, "needs CAP_SYS_ADMIN");
  bpf_prog_info info{};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len)) throw_os_error(errno, "read XDP program " + std::to_string(id), ifname);
  p.name = info.name;
  p.tag = hex(info.tag, sizeof(info.tag));
  p.xdpkit = p.name.rfind("xdpkit", 0) == 0;
  out.push_back(std::move(p));
}

}  // namespace

std::vector<attached_xdp_program> list_attached_xdp_programs() {
  std::vector<attached_xdp_program> out;
  struct if_nameindex* list = if_nameindex();
  if (!list) throw_os_error(errno, "list interfaces", "this network namespace");
  try {
    for (const struct if_nameindex* i = list; i->if_index; ++i) {
      bpf_xdp_query_opts q{};
      q.sz = sizeof(q);
      if (bpf_xdp_query(static_cast<int>(i->if_index), 0, &q)) continue;  // gone meanwhile
      add_program(out, i->if_name, i->if_index, "native", q.drv_prog_id);
      add_program(out, i->if_name, i->if_index, "generic", q.skb_prog_id);
      add_program(out, i->if_name, i->if_index, "offload", q.hw_prog_id);
    }
  } catch (...) {
    if_freenameindex(list);
    throw;
  }
  if_freenameindex(list);
  return out;
}

std::vector<xsk_socket_diag> list_xsk_sockets() {
  unique_fd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!fd) throw_os_error(errno, "open NETLINK_SOCK_DIAG", "AF_XDP sockets");
  struct {
    nlmsghdr nlh;
    xdp_diag_req req;
  } msg{};
  msg.nlh.nlmsg_len = sizeof(msg);
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.req.sdiag_family = AF_XDP;
  msg.req.xdiag_show = XDP_SHOW_INFO | XDP_SHOW_RING_CFG | XDP_SHOW_UMEM | XDP_SHOW_STATS;
  if (::send(fd.get(), &msg, sizeof(msg), 0) < 0) throw_os_error(errno, "ask the kernel for AF_XDP sockets", "sock_diag");
  std::vector<xsk_socket_diag> out;
  alignas(nlmsghdr) char buf[32768];
  for (;;) {
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) throw_os_error(errno, "read AF_XDP sockets", "sock_diag");
    auto bytes = static_cast<std::uint32_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, bytes); h = NLMSG_NEXT(h, bytes)) {
      if (h->nlmsg_type == NLMSG_DONE) return out;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const int err = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
        throw_os_error(err, "read AF_XDP sockets", "sock_diag",
                       err == ENOENT || err == EOPNOTSUPP ? "the kernel lacks CONFIG_XDP_SOCKETS_DIAG" : "");
      }
      const auto* m = reinterpret_cast<const xdp_diag_msg*>(NLMSG_DATA(h));
      xsk_socket_diag s;
      s.inode = m->xdiag_ino;
      s.cookie = (std::uint64_t{m->xdiag_cookie[1]} << 32) | m->xdiag_cookie[0];
      int left = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));
      for (auto* a = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(m) + NLMSG_ALIGN(sizeof(*m)));
           left >= static_cast<int>(sizeof(nlattr)) && a->nla_len >= sizeof(nlattr) && a->nla_len <= left;
           left -= NLA_ALIGN(a->nla_len), a = reinterpret_cast<const nlattr*>(reinterpret_cast<const char*>(a) + NLA_ALIGN(a->nla_len))) {
        const void* v = reinterpret_cast<const char*>(a) + NLA_HDRLEN;
        const std::size_t len = a->nla_len - NLA_HDRLEN;
        const auto u32 = [&] {
          std::uint32_t x = 0;
          std::memcpy(&x, v, std::min(len, sizeof(x)));
          return x;
        };
        switch (a->nla_type) {
          case XDP_DIAG_INFO:
            if (len >= sizeof(xdp_diag_info)) {
              xdp_diag_info i;
              std::memcpy(&i, v, sizeof(i));
              s.ifindex = i.ifindex;
              s.queue = i.queue_id;
              char name[IF_NAMESIZE] = {};
              if (i.ifindex && if_indextoname(i.ifindex, name)) s.ifname = name;
            }
            break;
          case XDP_DIAG_UID: s.uid = u32(); break;
          case XDP_DIAG_RX_RING: s.rx_ring = u32(); break;
          case XDP_DIAG_TX_RING: s.tx_ring = u32(); break;
          case XDP_DIAG_UMEM_FILL_RING: s.fill_ring = u32(); break;
          case XDP_DIAG_UMEM_COMPLETION_RING: s.completion_ring = u32(); break;
          case XDP_DIAG_UMEM:
            if (len >= sizeof(xdp_diag_umem)) {
              xdp_diag_umem u;
              std::memcpy(&u, v, sizeof(u));
              s.umem = u;
            }
            break;
          case XDP_DIAG_STATS:
            if (len >= sizeof(xdp_diag_stats)) {
              xdp_diag_stats st;
              std::memcpy(&st, v, sizeof(st));
              s.stats = st;
            }
            break;
          default: break;
        }
      }
      out.push_back(std::move(s));
    }
  }
}

}  // namespace xdpkit
