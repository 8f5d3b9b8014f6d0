// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/xdp.hpp"

#include <array>

#include "nlattr.hpp"

namespace xdpkit::ethtool {
namespace {

// From the kernel's Documentation/netlink/specs/netdev.yaml (ABI, stable).
constexpr std::uint8_t kNetdevCmdDevGet = 1;
constexpr std::uint16_t kAttrIfindex = 1;
constexpr std::uint16_t kAttrXdpFeatures = 3;
constexpr std::uint16_t kAttrXdpZcMaxSegs = 4;

constexpr std::array<const char*, 7> kNames{"basic",   "redirect", "ndo-xmit",   "xsk-zerocopy",
                                            "hw-offload", "rx-sg", "ndo-xmit-sg"};

}  // namespace

std::vector<std::string> xdp_feature_names(std::uint64_t flags) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (flags & (std::uint64_t{1} << i)) out.emplace_back(kNames[i]);
  return out;
}

result<xdp_features> get_xdp_features(const device& dev) {
  const int ifindex = dev.io().ifindex(dev.name());
  if (ifindex < 0) throw os_error(-ifindex, "SIOCGIFINDEX", dev.name(), "is the interface in this network namespace?");

  genl_request req;
  req.family = "netdev";
  req.cmd = kNetdevCmdDevGet;
  req.version = 1;
  req.attrs = detail::nlattr_writer{}.u32(kAttrIfindex, static_cast<std::uint32_t>(ifindex)).take();
  std::vector<std::vector<std::byte>> replies;
  const int rc = dev.io().genl(req, replies);
  if (rc == -ENOENT && replies.empty())
    return refusal{"netdev DEV_GET", dev.name(), EOPNOTSUPP,
                   "the kernel has no netdev netlink family (needs Linux 6.3 or later)"};
  if (rc < 0) throw os_error(-rc, "netdev DEV_GET", dev.name());
  if (replies.empty()) throw os_error(EPROTO, "netdev DEV_GET", dev.name(), "the kernel sent no answer");
  const auto flags = detail::nlattr_u64(replies.front(), kAttrXdpFeatures);
  if (!flags)
    throw os_error(EPROTO, "netdev DEV_GET", dev.name(), "the answer has no xdp-features attribute");
  xdp_features out;
  out.flags = *flags;
  out.zc_max_segs = detail::nlattr_u32(replies.front(), kAttrXdpZcMaxSegs).value_or(0);
  return out;
}

}  // namespace xdpkit::ethtool
