// SPDX-License-Identifier: Apache-2.0
// af-packet: a raw AF_PACKET socket bound to the interface, PACKET_QDISC_BYPASS
// (straight to the driver's xmit, as a NIC's generator would), sendmmsg of 64
// messages that all point at the one frame. Needs no BPF at all: the fallback
// for kernels that refuse BPF_PROG_RUN too. A frame the device refuses comes
// back as ENOBUFS (veth: its peer's ring is full) and is counted, not sent.
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "backends.hpp"
#include "xdpkit/base/os_error.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::lab::backends {

namespace {

constexpr unsigned batch = 64;

// Protocol 0: the socket receives nothing, so it costs the receive path nothing.
unique_fd open_socket(unsigned ifindex, const std::string& ifname) {
  unique_fd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (!fd) throw_os_error(errno, "open an AF_PACKET socket", ifname, "needs CAP_NET_RAW");
  const int one = 1;
  if (::setsockopt(fd.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one))
    throw_os_error(errno, "set PACKET_QDISC_BYPASS", ifname);
  if (ifindex) {
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = static_cast<int>(ifindex);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sll), sizeof sll))
      throw_os_error(errno, "bind an AF_PACKET socket", ifname);
  }
  return fd;
}

class af_packet_generator final : public frame_generator {
 public:
  af_packet_generator(const std::string& ifname, std::vector<std::uint8_t> frame)
      : frame_generator(ifname), frame_(std::move(frame)), fd_(open_socket(ifindex_of(ifname), ifname)) {
    iov_.iov_base = frame_.data();
    iov_.iov_len = frame_.size();
    for (auto& m : msgs_) {
      m = {};
      m.msg_hdr.msg_iov = &iov_;
      m.msg_hdr.msg_iovlen = 1;
    }
  }
  generator_kind kind() const noexcept override { return generator_kind::af_packet; }

 protected:
  std::uint64_t send_some(std::uint64_t max) override {
    const auto n = static_cast<unsigned>(std::min<std::uint64_t>(max, batch));
    const int r = ::sendmmsg(fd_.get(), msgs_.data(), n, 0);
    if (r >= 0) return static_cast<std::uint64_t>(r);
    if (errno == ENOBUFS || errno == EAGAIN) {
      ++refused_;  // the first of the batch; sendmmsg stops at the first refusal
      return 0;
    }
    if (errno == EINTR) return 0;
    throw_os_error(errno, "send lab frames (AF_PACKET sendmmsg)", ifname_);
  }
  std::uint64_t burst() const noexcept override { return batch; }

 private:
  std::vector<std::uint8_t> frame_;
  unique_fd fd_;
  iovec iov_{};
  std::array<mmsghdr, batch> msgs_{};
};

}  // namespace

std::unique_ptr<frame_generator> make_af_packet(const std::string& ifname, std::vector<std::uint8_t> frame) {
  return std::make_unique<af_packet_generator>(ifname, std::move(frame));
}

generator_support::entry probe_af_packet() {
  try {
    open_socket(0, "the probe");
    return {true, {}};
  } catch (const os_error& e) {
    return refused(e.err(), e.what(), "PACKET_QDISC_BYPASS", {3, 14, 0});
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace xdpkit::lab::backends
