// SPDX-License-Identifier: Apache-2.0
// l2fwd on a veth lab: every packet the worker receives goes back to the
// sender with its MACs swapped, and the sender sees exactly N of them.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstring>

#include "lab_fixture.hpp"
#include "xdpkit/lab/netns.hpp"
#include "xdpkit/base/unique_fd.hpp"

namespace xdpkit::testing {
namespace {

// A packet socket on the generator's end that counts frames coming back from
// the DUT (source MAC = DUT's, destination MAC = generator's).
class return_counter {
 public:
  return_counter(const lab::veth_lab& lab) : dut_mac_(lab.dut_mac()), gen_mac_(lab.gen_mac()) {
    lab::netns_scope in_gen(lab.gen_ns());
    fd_.reset(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
    if (!fd_) throw std::runtime_error("AF_PACKET socket: " + std::string(strerror(errno)));
    int big = 32 << 20;  // room for every returned frame; this test reads after sending
    setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = static_cast<int>(if_nametoindex(lab.gen_if().c_str()));
    if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&sll), sizeof(sll)))
      throw std::runtime_error("bind AF_PACKET: " + std::string(strerror(errno)));
  }
  // Drains what has arrived; returns the running count of returned frames.
  std::uint64_t drain() {
    std::uint8_t buf[2048];
    for (;;) {
      sockaddr_ll from{};
      socklen_t len = sizeof(from);
      ssize_t n = recvfrom(fd_.get(), buf, sizeof(buf), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) break;
      if (from.sll_pkttype == PACKET_OUTGOING || n < 14) continue;
      if (std::memcmp(buf, gen_mac_.data(), 6) == 0 && std::memcmp(buf + 6, dut_mac_.data(), 6) == 0) ++returned_;
      else ++other_;
    }
    return returned_;
  }
  std::uint64_t other() const { return other_; }

 private:
  unique_fd fd_;
  lab::mac_address dut_mac_, gen_mac_;
  std::uint64_t returned_ = 0, other_ = 0;
};

class L2fwd : public LabTest {};

TEST_F(L2fwd, ReturnsEveryPacketToTheSender) {
  constexpr std::uint64_t n = 2000;
  constexpr std::uint32_t chunk = 50;
  start_engine(handler_kind::l2fwd);
  return_counter counter(*lab_);
  std::uint64_t sent = 0;
  while (sent < n) {
    ASSERT_EQ(send_paced(chunk, chunk), chunk);
    sent += chunk;
    // Pace on completions too: the sender's backlog queue (netdev_max_backlog)
    // would drop a burst larger than it while the test is not reading.
    ASSERT_TRUE(wait_until([&] { return engine_->stats().total().tx_packets >= sent; }, std::chrono::seconds(3)))
        << "transmissions completed: " << engine_->stats().total().tx_packets << " of " << sent
        << "; rx " << engine_->stats().total().rx_packets << ", tx ring full " << engine_->stats().total().tx_ring_full
        << ", kicks " << engine_->stats().total().tx_kicks << ", tx_invalid "
        << engine_->stats().queues[0].kernel.tx_invalid_descs << ", tx_ring_empty "
        << engine_->stats().queues[0].kernel.tx_ring_empty_descs;
    counter.drain();
  }
  ASSERT_TRUE(wait_until([&] { return counter.drain() >= n; }, std::chrono::seconds(3)))
      << "returned " << counter.drain() << " of " << n;
  engine_->stop();
  const engine_stats s = engine_->stats();
  EXPECT_EQ(counter.drain(), n);
  EXPECT_EQ(counter.other(), 0u) << "only the swapped frames should arrive at the sender";
  EXPECT_EQ(s.total().rx_packets, n);
  EXPECT_EQ(s.total().tx_packets, n);
  EXPECT_EQ(s.total().dropped, 0u);
  EXPECT_EQ(s.total().tx_ring_full, 0u);
}

}  // namespace
}  // namespace xdpkit::testing
