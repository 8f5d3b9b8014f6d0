// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/rss.hpp"

#include <linux/ethtool.h>

#include <cstring>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "ioctl.hpp"

namespace xdpkit::ethtool {
namespace {

// hfunc bits of struct ethtool_rxfh. The kernel defines them in its internal
// <linux/ethtool.h> (bit n = the n-th ETH_SS_RSS_HASH_FUNCS string), not in
// the uapi header, so they are spelled out here.
constexpr std::uint8_t kHashNoChange = 0;
constexpr std::uint8_t kHashToeplitz = 1 << 0;
constexpr std::uint8_t kHashXor = 1 << 1;
constexpr std::uint8_t kHashCrc32 = 1 << 2;

// Variable-length requests: the fixed header followed by u32 entries (and key
// bytes), zeroed, in one buffer handed to the transport.
std::vector<std::byte> buffer(std::size_t header, std::size_t tail) {
  return std::vector<std::byte>(header + tail, std::byte{0});
}

template <class T>
T header_of(const std::vector<std::byte>& b) {
  T t;
  std::memcpy(&t, b.data(), sizeof t);
  return t;
}

int call_buf(const device& dev, std::vector<std::byte>& b) {
  return dev.io().ethtool_ioctl(dev.name(), std::span<std::byte>(b));
}

result<rss_config> get_rss_legacy(const device& dev, std::uint32_t rx_rings) {
  auto size_req = buffer(sizeof(ethtool_rxfh_indir), 0);
  const std::uint32_t cmd = ETHTOOL_GRXFHINDIR;
  std::memcpy(size_req.data(), &cmd, sizeof cmd);
  if (int rc = call_buf(dev, size_req); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GRXFHINDIR", rc,
                                   "the driver has no RSS indirection table");
  const auto size = header_of<ethtool_rxfh_indir>(size_req).size;
  if (size == 0)
    return refusal{"ETHTOOL_GRXFHINDIR", dev.name(), EOPNOTSUPP,
                   "the driver reports an empty RSS indirection table"};
  auto req = buffer(sizeof(ethtool_rxfh_indir), size * sizeof(std::uint32_t));
  ethtool_rxfh_indir h{ETHTOOL_GRXFHINDIR, size};
  std::memcpy(req.data(), &h, sizeof h);
  if (int rc = call_buf(dev, req); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GRXFHINDIR", rc, "");
  rss_config out;
  out.rx_rings = rx_rings;
  out.legacy_api = true;
  out.table.resize(size);
  std::memcpy(out.table.data(), req.data() + sizeof(ethtool_rxfh_indir), size * sizeof(std::uint32_t));
  return out;
}

}  // namespace

result<std::uint32_t> get_rx_rings(const device& dev) {
  auto req = detail::zeroed<ethtool_rxnfc>();
  req.cmd = ETHTOOL_GRXRINGS;
  if (int rc = detail::call(dev, req); rc < 0)
    return detail::refuse_or_throw(dev, "ETHTOOL_GRXRINGS", rc, "the driver has no RX flow steering");
  return static_cast<std::uint32_t>(req.data);
}

result<rss_config> get_rss(const device& dev) {
  const auto rings = get_rx_rings(dev);
  const std::uint32_t rx_rings = rings ? *rings : 0;

  // First ask for the sizes only (indir_size = key_size = 0), then for data.
  auto size_req = buffer(sizeof(ethtool_rxfh), 0);
  const std::uint32_t cmd = ETHTOOL_GRSSH;
  std::memcpy(size_req.data(), &cmd, sizeof cmd);
  if (int rc = call_buf(dev, size_req); rc < 0) {
    if (-rc == EOPNOTSUPP) return get_rss_legacy(dev, rx_rings);
    return detail::refuse_or_throw(dev, "ETHTOOL_GRSSH", rc, "");
  }
  const auto sizes = header_of<ethtool_rxfh>(size_req);
  auto req = buffer(sizeof(ethtool_rxfh), sizes.indir_size * sizeof(std::uint32_t) + sizes.key_size);
  auto h = detail::zeroed<ethtool_rxfh>();
  h.cmd = ETHTOOL_GRSSH;
  h.indir_size = sizes.indir_size;
  h.key_size = sizes.key_size;
  std::memcpy(req.data(), &h, sizeof h);
  if (int rc = call_buf(dev, req); rc < 0) return detail::refuse_or_throw(dev, "ETHTOOL_GRSSH", rc, "");
  const auto got = header_of<ethtool_rxfh>(req);
  if (got.indir_size != sizes.indir_size || got.key_size != sizes.key_size)
    throw os_error(EPROTO, "ETHTOOL_GRSSH", dev.name(), "the driver changed its table size between two reads");
  if (sizes.indir_size == 0)
    return refusal{"ETHTOOL_GRSSH", dev.name(), EOPNOTSUPP, "the driver has no RSS indirection table"};
  rss_config out;
  out.rx_rings = rx_rings;
  out.hfunc = got.hfunc;
  out.table.resize(sizes.indir_size);
  const std::byte* p = req.data() + sizeof(ethtool_rxfh);
  std::memcpy(out.table.data(), p, sizes.indir_size * sizeof(std::uint32_t));
  out.key.resize(sizes.key_size);
  std::memcpy(out.key.data(), p + sizes.indir_size * sizeof(std::uint32_t), sizes.key_size);
  return out;
}

result<applied> set_rss_table(const device& dev, std::span<const std::uint32_t> table) {
  const std::string range = "the table must have the driver's size (see `xdpkit probe " + dev.name() +
                            "`) and name only existing rx queues";
  auto req = buffer(sizeof(ethtool_rxfh), table.size_bytes());
  auto h = detail::zeroed<ethtool_rxfh>();
  h.cmd = ETHTOOL_SRSSH;
  h.indir_size = static_cast<std::uint32_t>(table.size());  // 0: back to the default spread
  h.key_size = 0;                                          // leave the key as it is
  h.hfunc = kHashNoChange;
  std::memcpy(req.data(), &h, sizeof h);
  if (!table.empty()) std::memcpy(req.data() + sizeof h, table.data(), table.size_bytes());
  int rc = call_buf(dev, req);
  if (rc >= 0) return applied{};
  if (-rc != EOPNOTSUPP)
    return detail::refuse_set_or_throw(dev, "ETHTOOL_SRSSH", rc, "", range);

  auto legacy = buffer(sizeof(ethtool_rxfh_indir), table.size_bytes());
  ethtool_rxfh_indir lh{ETHTOOL_SRXFHINDIR, static_cast<std::uint32_t>(table.size())};
  std::memcpy(legacy.data(), &lh, sizeof lh);
  if (!table.empty()) std::memcpy(legacy.data() + sizeof lh, table.data(), table.size_bytes());
  rc = call_buf(dev, legacy);
  if (rc >= 0) return applied{};
  return detail::refuse_set_or_throw(dev, "ETHTOOL_SRXFHINDIR", rc,
                                     "the driver has no RSS indirection table", range);
}

result<applied> set_rss_key(const device& dev, std::span<const std::uint8_t> key) {
  auto req = buffer(sizeof(ethtool_rxfh), key.size());
  auto h = detail::zeroed<ethtool_rxfh>();
  h.cmd = ETHTOOL_SRSSH;
  // The kernel reads the key right after the header when the table is
  // "no change" (ethtool_set_rxfh: indir_bytes stays 0).
  h.indir_size = ETH_RXFH_INDIR_NO_CHANGE;
  h.key_size = static_cast<std::uint32_t>(key.size());
  h.hfunc = kHashNoChange;
  std::memcpy(req.data(), &h, sizeof h);
  if (!key.empty()) std::memcpy(req.data() + sizeof h, key.data(), key.size());
  if (int rc = call_buf(dev, req); rc < 0)
    return detail::refuse_set_or_throw(
        dev, "ETHTOOL_SRSSH", rc, "the driver has no RSS hash key control",
        "a " + std::to_string(key.size()) + "-byte key is not the driver's key size (see `xdpkit probe " +
            dev.name() + "`)");
  return applied{};
}

std::string format_rss_key(std::span<const std::uint8_t> key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i) s += ':';
    s += kHex[key[i] >> 4];
    s += kHex[key[i] & 0xf];
  }
  return s;
}

std::vector<std::uint8_t> parse_rss_key(std::string_view text) {
  if (text.empty()) throw std::invalid_argument("empty RSS key (expected hex bytes such as 6d:5a:56:da)");
  std::vector<std::uint8_t> key;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t colon = std::min(text.find(':', at), text.size());
    const std::string_view byte = text.substr(at, colon - at);
    unsigned v = 0;
    bool ok = !byte.empty() && byte.size() <= 2;
    for (char c : byte) {
      const int d = c >= '0' && c <= '9' ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0) ok = false;
      v = v * 16 + static_cast<unsigned>(d < 0 ? 0 : d);
    }
    if (!ok)
      throw std::invalid_argument("bad byte " + xdpkit::quote(std::string(byte)) + " (number " + std::to_string(key.size() + 1) +
                                  ") in RSS key " + xdpkit::quote(std::string(text)) + " (expected hex bytes such as 6d:5a:56:da)");
    key.push_back(static_cast<std::uint8_t>(v));
    at = colon + 1;
  }
  return key;
}

void verify_rss_table(const device& dev, std::span<const std::uint32_t> want) {
  const auto now = get_rss(dev).value();
  const std::vector<std::uint32_t> expect =
      want.empty() ? spread_equal(static_cast<std::uint32_t>(now.table.size()), now.rx_rings)
                   : std::vector<std::uint32_t>(want.begin(), want.end());
  if (now.table.size() != expect.size())
    throw os_error(EIO, "RSS read-back", dev.name(),
                "table has " + std::to_string(now.table.size()) + " entries, expected " +
                    std::to_string(expect.size()));
  for (std::size_t i = 0; i < expect.size(); ++i)
    if (now.table[i] != expect[i])
      throw os_error(EIO, "RSS read-back", dev.name(),
                  "entry " + std::to_string(i) + " is queue " + std::to_string(now.table[i]) +
                      ", expected " + std::to_string(expect[i]) + "; the driver did not apply the table");
}

std::vector<std::uint32_t> spread_equal(std::uint32_t table_size, std::uint32_t n) {
  if (table_size == 0 || n == 0)
    throw std::invalid_argument("RSS spread needs a table size and N > 0");
  // ethtool_rxfh_indir_default() in the kernel: entry i -> queue i % n.
  std::vector<std::uint32_t> t(table_size);
  for (std::uint32_t i = 0; i < table_size; ++i) t[i] = i % n;
  return t;
}

std::vector<std::uint32_t> spread_weight(std::uint32_t table_size,
                                         std::span<const std::uint32_t> weights) {
  const std::uint64_t sum = std::accumulate(weights.begin(), weights.end(), std::uint64_t{0});
  if (table_size == 0 || sum == 0)
    throw std::invalid_argument("RSS weights need a table size and at least one non-zero weight");
  // Queue j owns entries [size*W(j-1)/sum, size*W(j)/sum) where W is the
  // running sum of weights: shares proportional to weight, rounded down at
  // each boundary, in queue order.
  std::vector<std::uint32_t> t(table_size);
  std::uint64_t cum = 0;
  std::size_t j = 0;
  for (std::uint32_t i = 0; i < table_size; ++i) {
    while (j < weights.size() && i >= table_size * (cum + weights[j]) / sum) cum += weights[j++];
    t[i] = static_cast<std::uint32_t>(j);
  }
  return t;
}

bool is_default_spread(std::span<const std::uint32_t> table, std::uint32_t rx_rings) {
  if (rx_rings == 0 || table.empty()) return false;
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i] != i % rx_rings) return false;
  return true;
}

bool rewrite_rss_table(const device& dev) {
  const auto rss = get_rss(dev);
  if (!rss || rss->table.empty()) return false;
  if (is_default_spread(rss->table, rss->rx_rings)) set_rss_table(dev, {}).value();
  else set_rss_table(dev, rss->table).value();
  return true;
}

bool rss_lost_on_xdp_change(const std::string& driver) { return driver == "virtio_net"; }

std::string hfunc_name(std::uint8_t hfunc) {
  std::string s;
  auto add = [&](const char* n) { s += (s.empty() ? "" : "+") + std::string(n); };
  if (hfunc & kHashToeplitz) add("toeplitz");
  if (hfunc & kHashXor) add("xor");
  if (hfunc & kHashCrc32) add("crc32");
  return s.empty() ? "unknown" : s;
}

rss_request parse_rss_request(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string word;
  in >> word;
  rss_request r;
  auto number = [&](const std::string& tok) {
    std::size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(tok, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != tok.size() || tok.empty() || tok[0] == '-' || v > 0xffffffffUL)
      throw std::invalid_argument("bad number " + xdpkit::quote(tok) + " in RSS spread '" + std::string(text) + "'");
    return static_cast<std::uint32_t>(v);
  };
  std::string tok;
  if (word == "default") {
    r.how = rss_request::kind::default_spread;
  } else if (word == "equal") {
    r.how = rss_request::kind::equal;
    if (!(in >> tok)) throw std::invalid_argument("'equal' needs a queue count: equal N");
    r.n = number(tok);
    if (r.n == 0) throw std::invalid_argument("'equal 0' spreads over no queue");
  } else if (word == "weight") {
    r.how = rss_request::kind::weight;
    while (in >> tok) r.weights.push_back(number(tok));
    if (std::accumulate(r.weights.begin(), r.weights.end(), std::uint64_t{0}) == 0)
      throw std::invalid_argument("'weight' needs at least one non-zero weight: weight 1 1 0 0");
    return r;
  } else {
    throw std::invalid_argument("unknown RSS spread " + xdpkit::quote(word) + " (equal N | weight W0 W1 ... | default)");
  }
  if (in >> tok) throw std::invalid_argument("unexpected " + xdpkit::quote(tok) + " after RSS spread");
  return r;
}

std::vector<std::uint32_t> table_for(const rss_request& req, std::uint32_t table_size) {
  switch (req.how) {
    case rss_request::kind::equal: return spread_equal(table_size, req.n);
    case rss_request::kind::weight: return spread_weight(table_size, req.weights);
    case rss_request::kind::default_spread: break;
  }
  return {};
}

}  // namespace xdpkit::ethtool
