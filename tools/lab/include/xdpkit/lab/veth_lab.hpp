// SPDX-License-Identifier: Apache-2.0
// veth_lab: two network namespaces joined by a veth pair — the generator side
// ("gen") and the device-under-test side ("dut"). Names carry the creating
// pid and a sequence number, so concurrent labs never collide and a crashed
// lab can be recognised and removed (remove_stale_netns).
//
//   netns <prefix><pid>g<n>            netns <prefix><pid>d<n>
//     veth "xkg<n>"  10.99.<n>.1/24 <-> veth "xkd<n>" 10.99.<n>.2/24
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xdpkit/lab/netns.hpp"

namespace xdpkit::lab {

using mac_address = std::array<std::uint8_t, 6>;

struct veth_lab_options {
  std::string prefix = "xklab";  // namespace name prefix
  std::uint32_t queues = 1;      // veth rx/tx queues per end
  // A third namespace beyond the DUT, for forwarders: a second veth pair from
  // the DUT namespace (dut_far_if) to far_if in far_ns, one queue each.
  bool far_end = false;
};

class veth_lab {
 public:
  // First removes what a dead process's lab of the same prefix left
  // (remove_stale_netns; see stale_removed()). Creates both namespaces and the pair, sets fixed MACs and 10.x addresses,
  // turns IPv6 off on both ends (no router solicitations or MLD reports: the
  // lab carries only the packets a test sends) and brings the links up.
  // Throws std::runtime_error naming the failed `ip` command; whatever was made
  // before the failure is removed.
  static veth_lab create(const veth_lab_options& options = {});

  const std::string& gen_ns() const noexcept { return gen_.name(); }
  const std::string& dut_ns() const noexcept { return dut_.name(); }
  const std::string& gen_if() const noexcept { return gen_if_; }
  const std::string& dut_if() const noexcept { return dut_if_; }
  const mac_address& gen_mac() const noexcept { return gen_mac_; }
  const mac_address& dut_mac() const noexcept { return dut_mac_; }
  const std::string& gen_ip() const noexcept { return gen_ip_; }
  // With veth_lab_options::far_end (else empty): gen_if -> dut_if | dut_far_if -> far_if.
  const std::string& far_ns() const noexcept { return far_ ? far_->name() : far_if_; }
  const std::string& dut_far_if() const noexcept { return dut_far_if_; }
  const std::string& far_if() const noexcept { return far_if_; }
  const std::string& dut_ip() const noexcept { return dut_ip_; }
  // An address in the lab's subnet that neither end owns. Traffic sent to it
  // is dropped silently by both kernels (forwarding is off in a new namespace):
  // no ICMP error, no ARP, so the lab carries exactly the packets a test sends.
  const std::string& unowned_ip() const noexcept { return unowned_ip_; }
  // The lab's standard frame: 60-byte UDP from the generator end to
  // unowned_ip(), source port 9, destination port `dport`.
  std::vector<std::uint8_t> udp_frame(std::uint16_t dport = 9) const;
  // The same as IPv6/UDP to unowned_ip6() (fd00:99:<n>::99). IPv6 is off on
  // the lab's veths, so no stack answers it either.
  std::vector<std::uint8_t> udp6_frame(std::uint16_t dport = 9) const;
  std::string unowned_ip6() const;
  std::string lab_prefix6() const;  // fd00:99:<n>::/48, the subnet of unowned_ip6()
  // Namespaces of dead labs with this prefix that create() removed first.
  const std::vector<std::string>& stale_removed() const noexcept { return stale_removed_; }

 private:
  veth_lab(netns gen, netns dut) noexcept : gen_(std::move(gen)), dut_(std::move(dut)) {}
  netns gen_;
  netns dut_;
  std::optional<netns> far_;
  std::string gen_if_, dut_if_, gen_ip_, dut_ip_, unowned_ip_, dut_far_if_, far_if_;
  mac_address gen_mac_{}, dut_mac_{};
  std::vector<std::string> stale_removed_;
  unsigned seq_ = 0;
};

std::string to_string(const mac_address& mac);

}  // namespace xdpkit::lab
