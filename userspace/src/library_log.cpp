// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/library_log.hpp"

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace xdpkit {

namespace {

bool debug_from_env() {
  const char* v = std::getenv("XDPKIT_DEBUG");
  return v && *v && std::strcmp(v, "0") != 0;
}

int print_libbpf(enum libbpf_print_level, const char* fmt, va_list args) {
  if (!library_debug_enabled()) return 0;
  std::fputs("libbpf: ", stderr);
  return std::vfprintf(stderr, fmt, args);
}

int print_libxdp(enum libxdp_print_level, const char* fmt, va_list args) {
  if (!library_debug_enabled()) return 0;
  std::fputs("libxdp: ", stderr);
  return std::vfprintf(stderr, fmt, args);
}

}  // namespace

bool library_debug_enabled() {
  static const bool on = debug_from_env();
  return on;
}

void init_library_logging() {
  static std::once_flag once;
  std::call_once(once, [] {
    libbpf_set_print(print_libbpf);
    libxdp_set_print(print_libxdp);
  });
}

}  // namespace xdpkit
