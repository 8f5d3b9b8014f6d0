// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/features.hpp"

#include <linux/ethtool.h>

#include <cstring>

#include "ioctl.hpp"
#include "strings.hpp"

namespace xdpkit::ethtool {
namespace {

struct raw_features {
  std::vector<std::string> names;
  std::vector<ethtool_get_features_block> blocks;
};

result<raw_features> read_features(const device& dev) {
  auto names = detail::get_string_set(dev, ETH_SS_FEATURES);
  if (!names) return names.refused();
  const std::uint32_t nblocks = static_cast<std::uint32_t>((names->size() + 31) / 32);
  std::vector<std::byte> buf(sizeof(ethtool_gfeatures) + nblocks * sizeof(ethtool_get_features_block),
                             std::byte{0});
  auto hdr = detail::zeroed<ethtool_gfeatures>();
  hdr.cmd = ETHTOOL_GFEATURES;
  hdr.size = nblocks;
  std::memcpy(buf.data(), &hdr, sizeof hdr);
  if (int rc = dev.io().ethtool_ioctl(dev.name(), buf); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GFEATURES", rc, "");
  raw_features out{std::move(names.value()), std::vector<ethtool_get_features_block>(nblocks)};
  std::memcpy(out.blocks.data(), buf.data() + sizeof hdr, nblocks * sizeof(ethtool_get_features_block));
  return out;
}

}  // namespace

result<std::vector<feature>> get_features(const device& dev) {
  auto raw = read_features(dev);
  if (!raw) return raw.refused();
  std::vector<feature> out;
  for (std::size_t i = 0; i < raw->names.size(); ++i) {
    const auto& b = raw->blocks[i / 32];
    const std::uint32_t bit = std::uint32_t{1} << (i % 32);
    out.push_back(feature{raw->names[i], (b.active & bit) != 0, (b.requested & bit) != 0,
                          (b.available & bit) != 0 && !(b.never_changed & bit)});
  }
  return out;
}

result<applied> set_feature(const device& dev, std::string_view name, bool on) {
  auto raw = read_features(dev);
  if (!raw) return raw.refused();
  std::size_t index = raw->names.size();
  for (std::size_t i = 0; i < raw->names.size(); ++i)
    if (raw->names[i] == name) index = i;
  const std::string op = "ETHTOOL_SFEATURES " + std::string(name);
  if (index == raw->names.size())
    return refusal{op, dev.name(), EOPNOTSUPP, "this kernel has no feature of that name (see `ethtool -k`)"};
  const std::uint32_t bit = std::uint32_t{1} << (index % 32);
  const auto& blk = raw->blocks[index / 32];
  if (!(blk.available & bit) || (blk.never_changed & bit))
    return refusal{op, dev.name(), EOPNOTSUPP, "the feature is fixed for this device"};

  const std::uint32_t nblocks = static_cast<std::uint32_t>(raw->blocks.size());
  std::vector<std::byte> buf(sizeof(ethtool_sfeatures) + nblocks * sizeof(ethtool_set_features_block),
                             std::byte{0});
  auto hdr = detail::zeroed<ethtool_sfeatures>();
  hdr.cmd = ETHTOOL_SFEATURES;
  hdr.size = nblocks;
  std::memcpy(buf.data(), &hdr, sizeof hdr);
  // Only the one feature is marked valid, so the others stay as they are.
  ethtool_set_features_block set{bit, on ? bit : 0u};
  std::memcpy(buf.data() + sizeof hdr + (index / 32) * sizeof set, &set, sizeof set);
  const int rc = dev.io().ethtool_ioctl(dev.name(), buf);
  if (rc < 0) return detail::refuse_set_or_throw(dev, op.c_str(), rc, "", "the driver refused the change");
  if (rc & ETHTOOL_F_UNSUPPORTED)
    return refusal{op, dev.name(), EINVAL, "the kernel reports the change as unsupported"};
  if (rc & ETHTOOL_F_WISH)
    return refusal{op, dev.name(), EINVAL,
                   "the request was recorded but the driver kept the old state (another feature it depends on is off?)"};
  return applied{};
}

}  // namespace xdpkit::ethtool
