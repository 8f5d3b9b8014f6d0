// SPDX-License-Identifier: Apache-2.0
// Capture: the packets a handler sees, written to a pcap file (libpcap's
// dump API, so tcpdump, Wireshark and tshark read it) with a snap length and
// a packet limit. One file for all the workers that capture into it: each
// batch is written under a lock (capture is a diagnosis, not the fast path),
// stamped with one CLOCK_REALTIME reading per batch.
//
//   capture_handler   writes each batch and drops it (`--handler capture`)
//   recording<H>      writes what H is about to see, then runs H
//                     (`--capture FILE` beside rxdrop or l2fwd, or a user's H)
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>

#include "xdpkit/userspace/handler.hpp"

namespace xdpkit {

class pcap_writer {
 public:
  // Creates (truncates) `file` as an Ethernet pcap of `snaplen` bytes per
  // packet (1-262144), to hold at most `limit` packets (0: no limit). Opened
  // by the caller, before the workers give up their capabilities. Throws
  // std::runtime_error naming the file and libpcap's reason.
  static std::shared_ptr<pcap_writer> create(const std::filesystem::path& file, std::uint32_t snaplen,
                                             std::uint64_t limit);
  ~pcap_writer();  // flushes and closes
  pcap_writer(const pcap_writer&) = delete;
  pcap_writer& operator=(const pcap_writer&) = delete;

  // Writes the batch's packets while the limit allows; never throws (a
  // write error is counted, the data path goes on).
  void write(std::span<const packet> batch) noexcept;
  void flush() noexcept;

  const std::filesystem::path& file() const noexcept { return file_; }
  std::uint32_t snaplen() const noexcept { return snaplen_; }
  std::uint64_t limit() const noexcept { return limit_; }
  std::uint64_t written() const noexcept { return written_.load(std::memory_order_relaxed); }
  std::uint64_t write_errors() const noexcept { return errors_.load(std::memory_order_relaxed); }

 private:
  struct files;
  pcap_writer(std::filesystem::path file, std::uint32_t snaplen, std::uint64_t limit, std::unique_ptr<files> f);
  std::filesystem::path file_;
  std::uint32_t snaplen_;
  std::uint64_t limit_;
  std::unique_ptr<files> f_;
  std::mutex lock_;
  std::atomic<std::uint64_t> written_{0}, errors_{0};
  std::atomic<bool> full_{false};
};

// Writes what `inner` is about to see (before it may rewrite a frame), then runs it.
template <packet_handler H>
struct recording {
  H inner;
  std::shared_ptr<pcap_writer> out;
  void operator()(std::span<const packet> batch, std::span<verdict> verdicts) noexcept {
    out->write(batch);
    inner(batch, verdicts);
  }
};

// Writes each batch and drops it: a capture point, nothing more.
struct capture_handler {
  std::shared_ptr<pcap_writer> out;
  void operator()(std::span<const packet> batch, std::span<verdict> verdicts) noexcept {
    out->write(batch);
    for (auto& v : verdicts) v = verdict::drop;
  }
};
static_assert(packet_handler<capture_handler>);

}  // namespace xdpkit
