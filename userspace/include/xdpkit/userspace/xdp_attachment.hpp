// SPDX-License-Identifier: Apache-2.0
// xdp_attachment: one XDP program attached to one interface. Detaches on
// destruction.
//
// Two ways in, chosen once per process by probing the kernel:
//  - libxdp's multi-program dispatcher, when the kernel can run it (BPF_PROG_TYPE_EXT
//    programs load, bpffs is mounted): our program then coexists with others.
//  - a BPF link (BPF_LINK_CREATE), when it can't. Some kernels refuse every
//    trampoline program (freplace, fentry) with EPERM before the verifier runs;
//    libxdp then falls back to a plain netlink attach that outlives a crashed
//    process. A link is released by the kernel when its last fd closes, so even
//    SIGKILL leaves no program behind.
#pragma once

#include <string>
#include <string_view>

#include "xdpkit/base/unique_fd.hpp"

struct xdp_program;
struct bpf_object;

namespace xdpkit {

enum class xdp_mode { native, generic };
std::string_view to_string(xdp_mode m) noexcept;

enum class attach_backend { libxdp_dispatcher, bpf_link };
std::string_view to_string(attach_backend b) noexcept;

// Whether libxdp's dispatcher can work here, and if not, why (for the user).
struct dispatcher_support {
  bool usable = false;
  std::string reason;  // empty when usable
};
// Probes once per process (cached): BPF_PROG_TYPE_EXT support and bpffs at /sys/fs/bpf.
const dispatcher_support& probe_dispatcher_support();

enum class xdp_mode_request {
  automatic,  // native first; generic only when the driver refuses native
  native,
  generic,
};

class xdp_attachment {
 public:
  // Attaches program `prog_name` of `obj` (opened, not yet loaded: the backend
  // loads it) to `ifindex`. With `automatic`, a native refusal (EOPNOTSUPP, or EINVAL from
  // drivers that can't do XDP) falls back to generic mode and fallback_reason()
  // says why. Throws os_error naming the interface and mode otherwise, e.g. EBUSY
  // when another program is attached in another mode.
  static xdp_attachment attach(bpf_object* obj, std::string_view prog_name, int ifindex,
                               std::string_view ifname, xdp_mode_request request);

  xdp_attachment(xdp_attachment&& o) noexcept;
  xdp_attachment& operator=(xdp_attachment&& o) noexcept;
  xdp_attachment(const xdp_attachment&) = delete;
  xdp_attachment& operator=(const xdp_attachment&) = delete;
  ~xdp_attachment();

  xdp_mode mode() const noexcept { return mode_; }
  int ifindex() const noexcept { return ifindex_; }
  const std::string& ifname() const noexcept { return ifname_; }
  attach_backend backend() const noexcept { return backend_; }
  // Whether libxdp put a multiprog dispatcher in front of the program.
  bool via_dispatcher() const noexcept { return via_dispatcher_; }
  // Empty unless native was refused and generic used instead.
  const std::string& fallback_reason() const noexcept { return fallback_reason_; }
  int program_fd() const noexcept;

  // Detach now; errors are reported, not thrown (used by the destructor too).
  void detach() noexcept;

 private:
  xdp_attachment() = default;
  xdp_program* prog_ = nullptr;  // libxdp backend
  unique_fd link_;               // bpf_link backend
  int prog_fd_ = -1;
  attach_backend backend_ = attach_backend::bpf_link;
  int ifindex_ = 0;
  std::string ifname_;
  xdp_mode mode_ = xdp_mode::native;
  bool via_dispatcher_ = false;
  std::string fallback_reason_;
};

}  // namespace xdpkit
