// SPDX-License-Identifier: Apache-2.0
// The production transport: SIOCETHTOOL on a datagram socket, generic netlink
// through libnl. Both sockets are opened once, in the caller's namespace.
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "xdpkit/base/result.hpp"
#include "xdpkit/base/unique_fd.hpp"
#include "xdpkit/ethtool/transport.hpp"

namespace xdpkit::ethtool {
namespace {

struct nl_sock_free {
  void operator()(nl_sock* s) const noexcept { nl_socket_free(s); }
};
struct nl_msg_free {
  void operator()(nl_msg* m) const noexcept { nlmsg_free(m); }
};
struct nl_cb_free {
  void operator()(nl_cb* c) const noexcept { nl_cb_put(c); }
};

int open_ioctl_socket() {
  // ethtool(8) does the same: any socket will do for SIOCETHTOOL, and
  // AF_INET exists on every kernel that has network devices at all.
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
  if (fd < 0) throw os_error(errno, "socket(AF_INET, SOCK_DGRAM)", "", "is networking enabled in this namespace?");
  return fd;
}

struct reply_sink {
  std::vector<std::vector<std::byte>>* replies;
  int err = 0;
  bool done = false;
};

int on_valid(nl_msg* msg, void* arg) {
  auto* sink = static_cast<reply_sink*>(arg);
  auto* gh = static_cast<genlmsghdr*>(nlmsg_data(nlmsg_hdr(msg)));
  const auto* data = reinterpret_cast<const std::byte*>(genlmsg_attrdata(gh, 0));
  sink->replies->emplace_back(data, data + genlmsg_attrlen(gh, 0));
  return NL_OK;
}

int on_finish(nl_msg*, void* arg) {
  static_cast<reply_sink*>(arg)->done = true;
  return NL_STOP;
}

int on_error(sockaddr_nl*, nlmsgerr* e, void* arg) {
  auto* sink = static_cast<reply_sink*>(arg);
  sink->err = e->error;  // already -errno
  sink->done = true;
  return NL_STOP;
}

class kernel_transport final : public transport {
 public:
  kernel_transport() : ioctl_fd_(open_ioctl_socket()), nl_(nl_socket_alloc()) {
    if (!nl_) throw os_error(ENOMEM, "nl_socket_alloc", "");
    if (int rc = genl_connect(nl_.get()); rc < 0)
      throw os_error(EPROTO, "genl_connect", "", nl_geterror(rc));
  }

  int ethtool_ioctl(const std::string& ifname, std::span<std::byte> buf) override {
    ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    if (!fill_name(ifr, ifname)) return -ENAMETOOLONG;
    ifr.ifr_data = reinterpret_cast<char*>(buf.data());
    const int rc = ::ioctl(ioctl_fd_.get(), SIOCETHTOOL, &ifr);
    return rc < 0 ? -errno : rc;
  }

  int ifindex(const std::string& ifname) override {
    ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    if (!fill_name(ifr, ifname)) return -ENAMETOOLONG;
    if (::ioctl(ioctl_fd_.get(), SIOCGIFINDEX, &ifr) < 0) return -errno;
    return ifr.ifr_ifindex;
  }

  int genl(const genl_request& req, std::vector<std::vector<std::byte>>& replies) override {
    const int family = resolve(req.family);
    if (family < 0) return family;

    std::unique_ptr<nl_msg, nl_msg_free> msg(nlmsg_alloc());
    if (!msg) return -ENOMEM;
    if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, req.dump ? NLM_F_DUMP : 0,
                     req.cmd, req.version))
      return -ENOMEM;
    if (!req.attrs.empty() &&
        nlmsg_append(msg.get(), const_cast<std::byte*>(req.attrs.data()), req.attrs.size(),
                     NLMSG_ALIGNTO) < 0)
      return -EMSGSIZE;

    std::unique_ptr<nl_cb, nl_cb_free> cb(nl_cb_alloc(NL_CB_DEFAULT));
    if (!cb) return -ENOMEM;
    reply_sink sink{&replies};
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &sink);
    nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &sink);
    nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_finish, &sink);
    nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &sink);

    if (int rc = nl_send_auto(nl_.get(), msg.get()); rc < 0) return -EIO;
    while (!sink.done) {
      const int rc = nl_recvmsgs(nl_.get(), cb.get());
      if (rc < 0 && !sink.done) return sink.err ? sink.err : -EIO;
    }
    return sink.err;
  }

 private:
  static bool fill_name(ifreq& ifr, const std::string& ifname) {
    if (ifname.size() >= IFNAMSIZ) return false;
    std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size() + 1);
    return true;
  }

  int resolve(const std::string& name) {
    if (auto it = families_.find(name); it != families_.end()) return it->second;
    const int id = genl_ctrl_resolve(nl_.get(), name.c_str());
    // libnl reports its own codes; the only one that matters here is "no
    // such family", which means the kernel predates it.
    if (id < 0) return -ENOENT;
    families_.emplace(name, id);
    return id;
  }

  unique_fd ioctl_fd_;
  std::unique_ptr<nl_sock, nl_sock_free> nl_;
  std::map<std::string, int> families_;
};

}  // namespace

std::unique_ptr<transport> make_kernel_transport() { return std::make_unique<kernel_transport>(); }

}  // namespace xdpkit::ethtool
