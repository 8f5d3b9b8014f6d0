// SPDX-License-Identifier: Apache-2.0
// scope_exit: runs a callable when the scope ends, unless released. For the
// rare cleanup that has no owner type of its own (a half-built state to undo).
#pragma once

#include <utility>

namespace xdpkit {

template <typename F>
class scope_exit {
 public:
  explicit scope_exit(F f) noexcept : f_(std::move(f)) {}
  scope_exit(const scope_exit&) = delete;
  scope_exit& operator=(const scope_exit&) = delete;
  ~scope_exit() {
    if (armed_) f_();
  }
  void release() noexcept { armed_ = false; }

 private:
  F f_;
  bool armed_ = true;
};

}  // namespace xdpkit
