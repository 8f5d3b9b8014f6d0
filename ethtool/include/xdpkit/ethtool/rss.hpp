// SPDX-License-Identifier: Apache-2.0
// RSS: indirection table and hash key (ETHTOOL_GRSSH/SRSSH; the table falls
// back to ETHTOOL_GRXFHINDIR/SRXFHINDIR on drivers that only have the older
// calls),
// and the spread helpers of `ethtool -X` (equal N, weight w0 w1 ..., default).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/base/result.hpp"

namespace xdpkit::ethtool {

struct rss_config {
  std::uint32_t rx_rings = 0;        // ETHTOOL_GRXRINGS; 0 when the driver does not say
  std::vector<std::uint32_t> table;  // indirection table: entry -> rx queue
  std::vector<std::uint8_t> key;     // empty when the driver hides it or has none
  std::uint8_t hfunc = 0;            // ETH_RSS_HASH_* bits; 0 when unknown
  bool legacy_api = false;           // answered by GRXFHINDIR, not GRSSH

  bool operator==(const rss_config&) const = default;
};

// The queue count RSS spreads over (ETHTOOL_GRXRINGS).
result<std::uint32_t> get_rx_rings(const device& dev);

// Refused (EOPNOTSUPP) when the driver has no indirection table (veth).
result<rss_config> get_rss(const device& dev);

// Writes the indirection table; an empty table restores the driver's default
// spread (and clears the "user configured" mark, so the kernel keeps
// re-spreading when the channel count changes). Refused with EINVAL when the
// table's size is not the driver's or an entry names a queue >= rx_rings.
result<applied> set_rss_table(const device& dev, std::span<const std::uint32_t> table);

// Writes the hash key and nothing else: indir_size ETH_RXFH_INDIR_NO_CHANGE
// keeps the indirection table (and its "user configured" mark), hfunc 0 keeps
// the hash function. Refused with EOPNOTSUPP when the driver has no key
// control (there is no legacy call for the key), EINVAL when `key` is not the
// driver's key size (`xdpkit probe` shows it).
result<applied> set_rss_key(const device& dev, std::span<const std::uint8_t> key);

// The key as `ethtool -x` prints it and `ethtool -X hkey` takes it:
// "6d:5a:56:da"; "" for an empty key.
std::string format_rss_key(std::span<const std::uint8_t> key);
// Colon-separated bytes of one or two hex digits. Throws std::invalid_argument
// naming the bad byte (or an empty key).
std::vector<std::uint8_t> parse_rss_key(std::string_view text);

// Reads the table back and throws os_error (EIO) naming the first
// differing entry when it is not `want` (an empty `want` means the default).
void verify_rss_table(const device& dev, std::span<const std::uint32_t> want);

// Spread helpers. Both throw std::invalid_argument on a zero size, N = 0 or
// all-zero weights.
std::vector<std::uint32_t> spread_equal(std::uint32_t table_size, std::uint32_t n);
// Queue j gets a share of entries proportional to weights[j], in queue order,
// the same table `ethtool -X weight` writes.
std::vector<std::uint32_t> spread_weight(std::uint32_t table_size,
                                         std::span<const std::uint32_t> weights);

// True when `table` is what the kernel's default spread over `rx_rings` gives.
bool is_default_spread(std::span<const std::uint32_t> table, std::uint32_t rx_rings);

// Writes the current indirection table again, unchanged (the default spread as
// "default", so the kernel doesn't take it for a user's table): the command
// that makes virtio-net send its whole RSS state (table, key, hash types) to
// the device. False when the device has no table (nothing written). Throws
// os_error when the write is refused.
bool rewrite_rss_table(const device& dev);

// Whether a driver is known to lose its RSS programming in the device when an
// XDP program is attached or detached, while it keeps reporting its table:
// virtio-net sends a queue-pair command on either, which turns QEMU's RSS off
// (found by tools/rig). Such a driver needs rewrite_rss_table() after both.
bool rss_lost_on_xdp_change(const std::string& driver);

// "toeplitz", "xor", "crc32", joined with '+', or "unknown".
std::string hfunc_name(std::uint8_t hfunc);

// What --rss accepts: "equal N", "weight 1 1 0 0", "default".
struct rss_request {
  enum class kind { equal, weight, default_spread } how = kind::default_spread;
  std::uint32_t n = 0;
  std::vector<std::uint32_t> weights;
};
// Throws std::invalid_argument naming the bad token.
rss_request parse_rss_request(std::string_view text);
// The table `req` means on a device whose table has `table_size` entries;
// empty for default.
std::vector<std::uint32_t> table_for(const rss_request& req, std::uint32_t table_size);

}  // namespace xdpkit::ethtool
