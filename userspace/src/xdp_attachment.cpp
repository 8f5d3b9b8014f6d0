// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/xdp_attachment.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <xdp/libxdp.h>

#include <cerrno>
#include <functional>
#include <cstdio>
#include <string>
#include <utility>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/privilege_hint.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit {

std::string_view to_string(xdp_mode m) noexcept { return m == xdp_mode::native ? "native" : "generic"; }

std::string_view to_string(attach_backend b) noexcept {
  return b == attach_backend::libxdp_dispatcher ? "libxdp dispatcher" : "BPF link";
}

const dispatcher_support& probe_dispatcher_support() {
  static const dispatcher_support support = [] {
    dispatcher_support s;
    // libbpf's probe loads a minimal EXT program and expects the verifier to
    // reject its missing attach target; kernels that refuse trampolines answer
    // EPERM before that, which the probe reports as "not supported".
    if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_EXT, nullptr) != 1) {
      s.reason = "the kernel refuses BPF_PROG_TYPE_EXT (freplace) programs, which libxdp's dispatcher is built from";
      return s;
    }
    struct statfs fs {};
    if (statfs("/sys/fs/bpf", &fs) != 0 || fs.f_type != BPF_FS_MAGIC) {
      s.reason = "no bpffs at /sys/fs/bpf (libxdp pins its dispatcher there; `mount -t bpf bpf /sys/fs/bpf`)";
      return s;
    }
    s.usable = true;
    return s;
  }();
  return support;
}

namespace {

enum xdp_attach_mode to_libxdp(xdp_mode m) { return m == xdp_mode::native ? XDP_MODE_NATIVE : XDP_MODE_SKB; }
__u32 to_link_flags(xdp_mode m) { return m == xdp_mode::native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE; }

std::string libxdp_error(int err) {
  char buf[256];
  libxdp_strerror(err, buf, sizeof(buf));
  return buf;
}

// Native XDP refused by the driver shows up as EOPNOTSUPP; some drivers answer
// EINVAL. Anything else (EBUSY: another program holds the interface) is a real
// error that generic mode would only hide.
bool native_refused(int err) { return err == EOPNOTSUPP || err == EINVAL; }

std::string mtu_text(const std::string& ifname) {
  const unique_fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq r{};
  if (!fd || ifname.size() >= sizeof r.ifr_name) return "too large";
  ifname.copy(r.ifr_name, ifname.size());
  if (::ioctl(fd.get(), SIOCGIFMTU, &r) != 0) return "too large";
  return std::to_string(r.ifr_mtu);
}

std::string attach_hint(int err, const std::string& ifname) {
  switch (err) {
    case EBUSY:
    case EEXIST:
      return "another XDP program is attached; see `ip link show " + ifname + "` and remove it (`ip link set dev " +
             ifname + " xdp off`, or `xdp-loader unload " + ifname + " --all`)";
    case EPERM: return privilege_hint("CAP_NET_ADMIN and CAP_BPF");
    case EOPNOTSUPP: return "the driver has no XDP in this mode; try --xdp-mode generic";
    case ERANGE:
      // veth and most drivers refuse single-buffer XDP above one page per
      // frame and say only ERANGE (the reason is in netlink's extack).
      return ifname + "'s MTU is " + mtu_text(ifname) +
             ": XDP without multi-buffer takes each frame in one page, which caps the MTU near 3500 bytes with "
             "4 KiB pages (veth: 3506, and its peer's MTU counts too; drivers differ). Give --multi-buffer (the "
             "xdp.frags programs and AF_XDP sockets with XDP_USE_SG, Linux 6.6+), or lower the MTU, e.g. `ip link "
             "set dev " + ifname + " mtu 3500`";
    default: return {};
  }
}

}  // namespace

xdp_attachment xdp_attachment::attach(bpf_object* obj, std::string_view prog_name, int ifindex,
                                      std::string_view ifname, xdp_mode_request request) {
  xdp_attachment a;
  a.ifindex_ = ifindex;
  a.ifname_ = std::string(ifname);
  const std::string name(prog_name);
  const dispatcher_support& support = probe_dispatcher_support();
  a.backend_ = support.usable ? attach_backend::libxdp_dispatcher : attach_backend::bpf_link;
  // An object may hold variants of one program (xdp and xdp.frags): only the
  // one attached is loaded, so a kernel without frags still loads the other.
  bpf_program* other = nullptr;
  bpf_object__for_each_program(other, obj)
    if (name != bpf_program__name(other)) bpf_program__set_autoload(other, false);

  // One attempt in one mode; returns 0 or a negative errno.
  std::function<int(xdp_mode)> try_mode;
  if (a.backend_ == attach_backend::libxdp_dispatcher) {
    DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = obj, .prog_name = name.c_str());
    a.prog_ = xdp_program__create(&opts);
    if (long perr = libxdp_get_error(a.prog_)) {
      a.prog_ = nullptr;
      throw_os_error(errno_of(static_cast<int>(perr)), "create libxdp program " + name, a.ifname_);
    }
    try_mode = [&](xdp_mode m) { return xdp_program__attach(a.prog_, ifindex, to_libxdp(m), 0); };
  } else {
    if (int err = bpf_object__load(obj))
      throw_os_error(errno_of(err), "load XDP program " + name, a.ifname_,
                     "run with XDPKIT_DEBUG=1 to see the verifier log; needs CAP_BPF");
    bpf_program* prog = bpf_object__find_program_by_name(obj, name.c_str());
    if (!prog) throw_os_error(ENOENT, "find program " + name, "the embedded BPF object");
    a.prog_fd_ = bpf_program__fd(prog);
    try_mode = [&](xdp_mode m) {
      LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = to_link_flags(m));
      int fd = bpf_link_create(a.prog_fd_, ifindex, BPF_XDP, &opts);
      if (fd < 0) return -errno;
      a.link_.reset(fd);
      return 0;
    };
  }

  int ret;
  if (request == xdp_mode_request::generic) {
    a.mode_ = xdp_mode::generic;
    ret = try_mode(xdp_mode::generic);
  } else {
    a.mode_ = xdp_mode::native;
    ret = try_mode(xdp_mode::native);
    if (ret && request == xdp_mode_request::automatic && native_refused(errno_of(ret))) {
      a.fallback_reason_ = "native XDP refused by the driver (" + libxdp_error(ret) + ")";
      a.mode_ = xdp_mode::generic;
      ret = try_mode(xdp_mode::generic);
    }
  }
  if (ret) {
    const int err = errno_of(ret);
    if (a.prog_) xdp_program__close(a.prog_);
    a.prog_ = nullptr;
    throw_os_error(err,
                   "attach XDP program " + name + " (" + std::string(to_string(a.mode_)) + " mode, " +
                       std::string(to_string(a.backend_)) + ")",
                   a.ifname_, attach_hint(err, a.ifname_));
  }

  if (a.backend_ == attach_backend::libxdp_dispatcher) {
    a.prog_fd_ = xdp_program__fd(a.prog_);
    if (xdp_multiprog* mp = xdp_multiprog__get_from_ifindex(ifindex); mp && !libxdp_get_error(mp)) {
      a.via_dispatcher_ = !xdp_multiprog__is_legacy(mp);
      xdp_multiprog__close(mp);
    }
  }
  return a;
}

xdp_attachment::xdp_attachment(xdp_attachment&& o) noexcept
    : prog_(std::exchange(o.prog_, nullptr)),
      link_(std::move(o.link_)),
      prog_fd_(std::exchange(o.prog_fd_, -1)),
      backend_(o.backend_),
      ifindex_(o.ifindex_),
      ifname_(std::move(o.ifname_)),
      mode_(o.mode_),
      via_dispatcher_(o.via_dispatcher_),
      fallback_reason_(std::move(o.fallback_reason_)) {}

xdp_attachment& xdp_attachment::operator=(xdp_attachment&& o) noexcept {
  if (this != &o) {
    detach();
    prog_ = std::exchange(o.prog_, nullptr);
    link_ = std::move(o.link_);
    prog_fd_ = std::exchange(o.prog_fd_, -1);
    backend_ = o.backend_;
    ifindex_ = o.ifindex_;
    ifname_ = std::move(o.ifname_);
    mode_ = o.mode_;
    via_dispatcher_ = o.via_dispatcher_;
    fallback_reason_ = std::move(o.fallback_reason_);
  }
  return *this;
}

xdp_attachment::~xdp_attachment() { detach(); }

int xdp_attachment::program_fd() const noexcept { return prog_fd_; }

void xdp_attachment::detach() noexcept {
  link_.reset();  // the kernel detaches when the link's last fd closes
  if (!prog_) return;
  int ret = xdp_program__detach(prog_, ifindex_, to_libxdp(mode_), 0);
  // ENODEV: the interface (or its namespace) is gone, and the program with
  // it. ENOENT means that too, but libxdp also says it when it cannot look
  // its programs up (bpf_prog_get_fd_by_id without CAP_SYS_ADMIN: found by
  // the rig), with the program still attached: believe it only when the
  // interface is gone. Anything else leaves a program behind: say so loudly.
  char name[IF_NAMESIZE];
  if (ret && errno_of(ret) == ENOENT && !if_indextoname(static_cast<unsigned>(ifindex_), name)) ret = 0;
  if (ret && errno_of(ret) != ENODEV)
    std::fprintf(stderr,
                 "xdpkit: detach XDP program from %s (ifindex %d): %s — remove it with "
                 "`ip link set dev %s xdp off`\n",
                 ifname_.c_str(), ifindex_, libxdp_error(ret).c_str(), ifname_.c_str());
  xdp_program__close(prog_);
  prog_ = nullptr;
}

}  // namespace xdpkit
