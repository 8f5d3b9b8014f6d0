// SPDX-License-Identifier: Apache-2.0
// mmap_region: owns one mapping and knows its size, so munmap can't get it wrong.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <utility>

namespace xdpkit {

class mmap_region {
 public:
  mmap_region() noexcept = default;
  mmap_region(void* addr, std::size_t size) noexcept : addr_(addr), size_(size) {}
  mmap_region(mmap_region&& o) noexcept
      : addr_(std::exchange(o.addr_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  mmap_region& operator=(mmap_region&& o) noexcept {
    if (this != &o) {
      reset();
      addr_ = std::exchange(o.addr_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  mmap_region(const mmap_region&) = delete;
  mmap_region& operator=(const mmap_region&) = delete;
  ~mmap_region() { reset(); }

  void* data() const noexcept { return addr_; }
  std::size_t size() const noexcept { return size_; }
  explicit operator bool() const noexcept { return addr_ != nullptr; }
  void reset() noexcept {
    if (addr_) ::munmap(addr_, size_);
    addr_ = nullptr;
    size_ = 0;
  }

 private:
  void* addr_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace xdpkit
