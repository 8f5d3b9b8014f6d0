// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/orphan_xdp.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <unistd.h>
#include <xdp/libxdp.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit {

namespace {

namespace fs = std::filesystem;

bool is_xdpkit_name(const std::string& name) { return name.rfind("xdpkit_", 0) == 0; }

std::string program_name(std::uint32_t id) {
  unique_fd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) return "";  // gone meanwhile
  bpf_prog_info info{};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len)) return "";
  return info.name;
}

// A program attached on its own: an orphan when it is xdpkit's and unheld.
void check_direct(std::vector<orphan_xdp_program>& out, const std::set<std::uint32_t>& held, const char* ifname,
                  unsigned ifindex, const char* mode, std::uint32_t id) {
  if (!id || held.count(id)) return;
  const std::string name = program_name(id);
  if (!is_xdpkit_name(name)) return;
  out.push_back({ifname, ifindex, mode, id, name, false});
}

}  // namespace

std::set<std::uint32_t> held_bpf_program_ids() {
  std::set<std::uint32_t> ids;
  std::error_code ec;
  for (const auto& p : fs::directory_iterator("/proc", ec)) {
    const std::string pid = p.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code fec;
    for (const auto& f : fs::directory_iterator(p.path() / "fd", fec)) {
      std::error_code lec;
      const std::string target = fs::read_symlink(f.path(), lec).string();
      if (lec || (target != "anon_inode:bpf-prog" && target != "anon_inode:bpf_link")) continue;
      std::ifstream info(p.path() / "fdinfo" / f.path().filename());
      for (std::string line; std::getline(info, line);)
        if (line.rfind("prog_id:", 0) == 0) ids.insert(static_cast<std::uint32_t>(std::stoul(line.substr(8))));
    }
  }
  return ids;
}

std::vector<orphan_xdp_program> find_orphaned_xdpkit_programs() {
  const std::set<std::uint32_t> held = held_bpf_program_ids();
  std::vector<orphan_xdp_program> out;
  struct if_nameindex* list = if_nameindex();
  if (!list) throw_os_error(errno, "list interfaces", "this network namespace");
  for (const struct if_nameindex* i = list; i->if_index; ++i) {
    bpf_xdp_query_opts q{};
    q.sz = sizeof(q);
    if (bpf_xdp_query(static_cast<int>(i->if_index), 0, &q)) continue;  // gone meanwhile
    if (!q.drv_prog_id && !q.skb_prog_id) continue;
    xdp_multiprog* mp = xdp_multiprog__get_from_ifindex(static_cast<int>(i->if_index));
    const bool dispatcher = mp && !libxdp_get_error(mp) && !xdp_multiprog__is_legacy(mp);
    if (dispatcher) {
      const char* mode = xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB ? "generic" : "native";
      for (xdp_program* p = xdp_multiprog__next_prog(nullptr, mp); p; p = xdp_multiprog__next_prog(p, mp)) {
        const std::uint32_t id = xdp_program__id(p);
        const std::string name = xdp_program__name(p) ? xdp_program__name(p) : "";
        if (is_xdpkit_name(name) && !held.count(id)) out.push_back({i->if_name, i->if_index, mode, id, name, true});
      }
    } else {
      check_direct(out, held, i->if_name, i->if_index, "native", q.drv_prog_id);
      check_direct(out, held, i->if_name, i->if_index, "generic", q.skb_prog_id);
    }
    if (mp && !libxdp_get_error(mp)) xdp_multiprog__close(mp);
  }
  if_freenameindex(list);
  return out;
}

void detach_orphan(const orphan_xdp_program& o) {
  const std::string what = "detach " + o.name + " (program " + std::to_string(o.prog_id) + ")";
  if (!o.in_dispatcher) {
    unique_fd fd(bpf_prog_get_fd_by_id(o.prog_id));
    if (!fd) throw_os_error(errno, what, o.ifname, "needs CAP_SYS_ADMIN");
    LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = fd.get());
    const __u32 flags = o.mode == "generic" ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
    if (bpf_xdp_detach(static_cast<int>(o.ifindex), flags, &opts) < 0)
      throw_os_error(errno, what, o.ifname, errno == EEXIST ? "another program replaced it meanwhile" : "");
    return;
  }
  xdp_multiprog* mp = xdp_multiprog__get_from_ifindex(static_cast<int>(o.ifindex));
  if (!mp || libxdp_get_error(mp)) throw_os_error(ENOENT, what, o.ifname, "its dispatcher went meanwhile");
  int ret = -ENOENT;
  for (xdp_program* p = xdp_multiprog__next_prog(nullptr, mp); p; p = xdp_multiprog__next_prog(p, mp))
    if (xdp_program__id(p) == o.prog_id) {
      ret = xdp_program__detach(p, static_cast<int>(o.ifindex), xdp_multiprog__attach_mode(mp), 0);
      break;
    }
  xdp_multiprog__close(mp);
  if (ret) throw_os_error(-ret, what + " from libxdp's dispatcher", o.ifname);
}

std::set<std::uint32_t> attached_xdp_program_ids() {
  std::set<std::uint32_t> ids;
  struct if_nameindex* list = if_nameindex();
  if (!list) throw_os_error(errno, "list interfaces", "this network namespace");
  for (const struct if_nameindex* i = list; i->if_index; ++i) {
    bpf_xdp_query_opts q{};
    q.sz = sizeof(q);
    if (bpf_xdp_query(static_cast<int>(i->if_index), 0, &q)) continue;
    for (std::uint32_t id : {q.prog_id, q.drv_prog_id, q.skb_prog_id, q.hw_prog_id})
      if (id) ids.insert(id);
  }
  if_freenameindex(list);
  return ids;
}

namespace {
// libxdp's state directory: <bpffs>/xdp, the bpffs from $LIBXDP_BPFFS as libxdp reads it.
fs::path libxdp_state_dir() {
  const char* env = ::secure_getenv("LIBXDP_BPFFS");
  return fs::path(env && *env ? env : "/sys/fs/bpf") / "xdp";
}
}  // namespace

std::vector<stale_dispatcher_pins> find_stale_dispatcher_pins(const std::set<std::uint32_t>& attached) {
  std::vector<stale_dispatcher_pins> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(libxdp_state_dir(), ec)) {
    const std::string name = e.path().filename().string();
    unsigned ifindex = 0, id = 0;
    char tail = 0;
    if (std::sscanf(name.c_str(), "dispatch-%u-%u%c", &ifindex, &id, &tail) != 2 || !e.is_directory()) continue;
    if (attached.count(id)) continue;
    stale_dispatcher_pins st{e.path().string(), ifindex, id, {}, true};
    std::error_code fec;
    for (const auto& f : fs::directory_iterator(e.path(), fec)) {
      const std::string file = f.path().filename().string();
      if (file.size() < 5 || file.compare(file.size() - 5, 5, "-prog") != 0) continue;
      unique_fd fd(bpf_obj_get(f.path().c_str()));
      bpf_prog_info info{};
      __u32 len = sizeof(info);
      const std::string prog = fd && !bpf_obj_get_info_by_fd(fd.get(), &info, &len) ? info.name : "";
      st.programs.push_back(prog.empty() ? file : prog);
      st.all_xdpkit = st.all_xdpkit && is_xdpkit_name(prog);
    }
    if (st.programs.empty()) st.all_xdpkit = false;  // nothing says whose it was
    out.push_back(std::move(st));
  }
  return out;
}

void remove_dispatcher_pins(const stale_dispatcher_pins& st) {
  const fs::path state = fs::path(st.dir).parent_path();
  unique_fd lock(::open(state.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock) throw_os_error(errno, "open libxdp's state directory", state.string());
  if (::flock(lock.get(), LOCK_EX) < 0) throw_os_error(errno, "lock libxdp's state directory", state.string());
  std::error_code ec;
  for (const auto& f : fs::directory_iterator(st.dir, ec))
    if (::unlink(f.path().c_str()) < 0 && errno != ENOENT) throw_os_error(errno, "unpin", f.path().string());
  if (::rmdir(st.dir.c_str()) < 0 && errno != ENOENT) throw_os_error(errno, "remove", st.dir);
}

}  // namespace xdpkit
