// SPDX-License-Identifier: Apache-2.0
// Reading one slot of a per-CPU BPF map: the kernel returns one value per
// possible CPU, each padded to 8 bytes. Everything that sums per-CPU counters
// goes through here, so the stride is right in one place.
#pragma once

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "xdpkit/base/os_error.hpp"

namespace xdpkit {

// One T per possible CPU. Throws os_error naming `what` when the lookup fails.
template <typename T>
std::vector<T> read_percpu(int map_fd, std::uint32_t key, std::string_view what) {
  static_assert(std::is_trivially_copyable_v<T>);
  const int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) throw_os_error(errno_of(ncpus), "count possible CPUs", "libbpf");
  constexpr std::size_t stride = (sizeof(T) + 7) / 8 * 8;
  std::vector<std::uint8_t> raw(stride * static_cast<std::size_t>(ncpus));
  if (bpf_map_lookup_elem(map_fd, &key, raw.data())) throw_os_error(errno, "read per-CPU map", what);
  std::vector<T> out(static_cast<std::size_t>(ncpus));
  for (std::size_t cpu = 0; cpu < out.size(); ++cpu) std::memcpy(&out[cpu], &raw[cpu * stride], sizeof(T));
  return out;
}

}  // namespace xdpkit
