// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/lab/namespace_sysfs.hpp"

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <system_error>

namespace xdpkit::lab {

namespace_sysfs::namespace_sysfs() {
  // Once per process: a private mount namespace whose changes don't propagate
  // back to the host's (rslave).
  static const bool private_mounts = [] {
    if (::unshare(CLONE_NEWNS) < 0) throw std::system_error(errno, std::generic_category(), "unshare(CLONE_NEWNS)");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
      throw std::system_error(errno, std::generic_category(), "mount --make-rslave /");
    return true;
  }();
  (void)private_mounts;
  std::string tmpl = (std::filesystem::temp_directory_path() / "xdpkit-ns-sysfs-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp " + tmpl);
  dir_ = tmpl;
  std::filesystem::create_directory(dir_ / "sys");
  std::filesystem::create_symlink("/proc", dir_ / "proc");
  if (::mount("sysfs", (dir_ / "sys").c_str(), "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) {
    const int err = errno;
    std::filesystem::remove_all(dir_);
    throw std::system_error(err, std::generic_category(), "mount sysfs on " + (dir_ / "sys").string());
  }
}

namespace_sysfs::~namespace_sysfs() {
  ::umount2((dir_ / "sys").c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove(dir_ / "proc", ec);
  std::filesystem::remove(dir_ / "sys", ec);
  std::filesystem::remove(dir_, ec);
}

}  // namespace xdpkit::lab
