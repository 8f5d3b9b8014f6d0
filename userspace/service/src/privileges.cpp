// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/privileges.hpp"

#include <cerrno>
#include <memory>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit::service {

namespace {
struct cap_deleter {
  void operator()(void* p) const noexcept { cap_free(p); }
};
using cap_ptr = std::unique_ptr<std::remove_pointer_t<cap_t>, cap_deleter>;
}  // namespace

std::vector<std::string> keep_only_capabilities(const std::vector<cap_value_t>& keep) {
  cap_ptr now(cap_get_proc());
  if (!now) throw_os_error(errno, "read the capabilities", "the service's main thread");
  std::vector<cap_value_t> kept;
  std::vector<std::string> names;
  for (cap_value_t c : keep) {
    cap_flag_value_t has = CAP_CLEAR;
    if (cap_get_flag(now.get(), c, CAP_PERMITTED, &has) == 0 && has == CAP_SET) {
      kept.push_back(c);
      std::unique_ptr<char, cap_deleter> name(cap_to_name(c));
      names.emplace_back(name ? name.get() : std::to_string(c));
    }
  }
  cap_ptr next(cap_init());
  if (!next) throw_os_error(errno, "make a capability set", "the service's main thread");
  if (!kept.empty() &&
      (cap_set_flag(next.get(), CAP_EFFECTIVE, static_cast<int>(kept.size()), kept.data(), CAP_SET) ||
       cap_set_flag(next.get(), CAP_PERMITTED, static_cast<int>(kept.size()), kept.data(), CAP_SET)))
    throw_os_error(errno, "make a capability set", "the service's main thread");
  if (cap_set_proc(next.get())) throw_os_error(errno, "drop capabilities", "the service's main thread");
  return names;
}

}  // namespace xdpkit::service
