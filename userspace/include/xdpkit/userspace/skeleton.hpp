// SPDX-License-Identifier: Apache-2.0
// skeleton<T>: owns a bpftool-generated skeleton (T__open ... T__destroy).
//
// The skeleton type's open/destroy functions are passed as template arguments so
// one owner serves every program: skeleton<steer_bpf, steer_bpf__open, steer_bpf__destroy>.
#pragma once

#include <bpf/libbpf.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/userspace/library_log.hpp"

namespace xdpkit {

template <typename T, T* (*Open)(), void (*Destroy)(T*)>
class skeleton {
 public:
  // Throws os_error naming the program when libbpf cannot open the embedded ELF.
  static skeleton open(std::string_view program_name) {
    init_library_logging();
    T* s = Open();
    if (!s) throw_os_error(errno ? errno : EINVAL, "open BPF skeleton", program_name);
    return skeleton(s);
  }
  skeleton(skeleton&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  skeleton& operator=(skeleton&& o) noexcept {
    if (this != &o) {
      reset();
      s_ = std::exchange(o.s_, nullptr);
    }
    return *this;
  }
  skeleton(const skeleton&) = delete;
  skeleton& operator=(const skeleton&) = delete;
  ~skeleton() { reset(); }

  T* operator->() const noexcept { return s_; }
  T* get() const noexcept { return s_; }
  // Every map of the object by name, with its fd (owned by the skeleton).
  std::vector<std::pair<std::string, int>> map_fds() const {
    std::vector<std::pair<std::string, int>> out;
    bpf_map* m = nullptr;
    bpf_object__for_each_map(m, s_->obj) out.emplace_back(bpf_map__name(m), bpf_map__fd(m));
    return out;
  }

 private:
  explicit skeleton(T* s) noexcept : s_(s) {}
  void reset() noexcept {
    if (s_) Destroy(s_);
    s_ = nullptr;
  }
  T* s_ = nullptr;
};

}  // namespace xdpkit
