// SPDX-License-Identifier: Apache-2.0
// frame_stack: a worker's free UMEM frames. LIFO, so the frame just released
// (still hot in cache) is the next one handed to the kernel. Fixed capacity,
// never allocates after construction: the data plane may use it per packet.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace xdpkit {

class frame_stack {
 public:
  explicit frame_stack(std::uint32_t capacity) : frames_(capacity) {}

  // Fills the stack with frames [first, first + count) of `frame_size` bytes.
  void seed(std::uint32_t first, std::uint32_t count, std::uint32_t frame_size) {
    if (count > capacity() - top_) throw std::length_error("frame_stack: seed beyond capacity");
    for (std::uint32_t i = 0; i < count; ++i) frames_[top_++] = std::uint64_t{first + i} * frame_size;
  }
  std::uint32_t size() const noexcept { return top_; }
  std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(frames_.size()); }
  bool empty() const noexcept { return top_ == 0; }
  // Precondition: !empty() / size() < capacity(); the worker's accounting
  // guarantees both (every frame is in exactly one place).
  std::uint64_t pop() noexcept { return frames_[--top_]; }
  void push(std::uint64_t addr) noexcept { frames_[top_++] = addr; }

 private:
  std::vector<std::uint64_t> frames_;
  std::uint32_t top_ = 0;
};

}  // namespace xdpkit
