// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/userspace/capture.hpp"

#include <pcap/pcap.h>
#include <time.h>

#include <stdexcept>
#include <string>

namespace xdpkit {

struct pcap_writer::files {
  pcap_t* dead = nullptr;       // libpcap's handle for a link type with no device
  pcap_dumper_t* dump = nullptr;
  ~files() {
    if (dump) pcap_dump_close(dump);
    if (dead) pcap_close(dead);
  }
};

std::shared_ptr<pcap_writer> pcap_writer::create(const std::filesystem::path& file, std::uint32_t snaplen,
                                                 std::uint64_t limit) {
  if (snaplen == 0 || snaplen > 262144)
    throw std::invalid_argument("capture snap length " + std::to_string(snaplen) + " is outside 1-262144 bytes");
  auto f = std::make_unique<files>();
  f->dead = pcap_open_dead(DLT_EN10MB, static_cast<int>(snaplen));
  if (!f->dead) throw std::runtime_error("capture to " + file.string() + ": libpcap could not make a handle");
  f->dump = pcap_dump_open(f->dead, file.c_str());
  if (!f->dump)
    throw std::runtime_error("capture to " + file.string() + ": " + pcap_geterr(f->dead) +
                             " (is the directory there and writable?)");
  return std::shared_ptr<pcap_writer>(new pcap_writer(file, snaplen, limit, std::move(f)));
}

pcap_writer::pcap_writer(std::filesystem::path file, std::uint32_t snaplen, std::uint64_t limit,
                         std::unique_ptr<files> f)
    : file_(std::move(file)), snaplen_(snaplen), limit_(limit), f_(std::move(f)) {}

pcap_writer::~pcap_writer() = default;

void pcap_writer::write(std::span<const packet> batch) noexcept {
  if (full_.load(std::memory_order_relaxed) || batch.empty()) return;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  pcap_pkthdr h{};
  h.ts.tv_sec = now.tv_sec;
  h.ts.tv_usec = static_cast<suseconds_t>(now.tv_nsec / 1000);
  const std::lock_guard hold(lock_);
  std::uint64_t n = written_.load(std::memory_order_relaxed);
  for (const packet& p : batch) {
    if (limit_ && n >= limit_) {
      full_.store(true, std::memory_order_relaxed);
      break;
    }
    h.len = p.len;
    h.caplen = p.len < snaplen_ ? p.len : snaplen_;
    pcap_dump(reinterpret_cast<u_char*>(f_->dump), &h, p.data);
    ++n;
  }
  written_.store(n, std::memory_order_relaxed);
  if (limit_ && n >= limit_) {
    full_.store(true, std::memory_order_relaxed);
    if (pcap_dump_flush(f_->dump) != 0) errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

void pcap_writer::flush() noexcept {
  const std::lock_guard hold(lock_);
  if (pcap_dump_flush(f_->dump) != 0) errors_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace xdpkit
