// SPDX-License-Identifier: Apache-2.0
#include "strings.hpp"

#include <linux/ethtool.h>

#include <cstring>

#include "ioctl.hpp"

namespace xdpkit::ethtool::detail {

result<std::vector<std::string>> get_string_set(const device& dev, std::uint32_t set) {
  // ethtool_sset_info is followed by one u32 per bit set in sset_mask.
  std::vector<std::byte> info(sizeof(ethtool_sset_info) + sizeof(std::uint32_t), std::byte{0});
  auto hdr = zeroed<ethtool_sset_info>();
  hdr.cmd = ETHTOOL_GSSET_INFO;
  hdr.sset_mask = std::uint64_t{1} << set;
  std::memcpy(info.data(), &hdr, sizeof hdr);
  if (int rc = dev.io().ethtool_ioctl(dev.name(), info); rc < 0)
    return refuse_or_throw(dev, "ETHTOOL_GSSET_INFO", rc, "the driver reports no string sets");
  std::memcpy(&hdr, info.data(), sizeof hdr);
  // The kernel clears the bits of sets the driver does not have.
  if (!(hdr.sset_mask & (std::uint64_t{1} << set)))
    return refusal{"ETHTOOL_GSSET_INFO", dev.name(), EOPNOTSUPP,
                   "the driver has no string set " + std::to_string(set)};
  std::uint32_t count = 0;
  std::memcpy(&count, info.data() + sizeof hdr, sizeof count);

  std::vector<std::byte> buf(sizeof(ethtool_gstrings) + std::size_t{count} * ETH_GSTRING_LEN, std::byte{0});
  auto gs = zeroed<ethtool_gstrings>();
  gs.cmd = ETHTOOL_GSTRINGS;
  gs.string_set = set;
  gs.len = count;
  std::memcpy(buf.data(), &gs, sizeof gs);
  if (int rc = dev.io().ethtool_ioctl(dev.name(), buf); rc < 0)
    return refuse_or_throw(dev, "ETHTOOL_GSTRINGS", rc, "");
  std::memcpy(&gs, buf.data(), sizeof gs);
  if (gs.len > count)
    throw os_error(EPROTO, "ETHTOOL_GSTRINGS", dev.name(), "the driver returned more strings than it announced");
  std::vector<std::string> names;
  names.reserve(gs.len);
  for (std::uint32_t i = 0; i < gs.len; ++i) {
    const auto* s = reinterpret_cast<const char*>(buf.data() + sizeof gs + std::size_t{i} * ETH_GSTRING_LEN);
    names.emplace_back(s, strnlen(s, ETH_GSTRING_LEN));
  }
  return names;
}

}  // namespace xdpkit::ethtool::detail
