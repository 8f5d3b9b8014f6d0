// SPDX-License-Identifier: Apache-2.0
// The tune arguments (--channels, --rings, --rss, --hash, --rss-key): the
// first byte picks the parser, the rest is the text. Only
// std::invalid_argument may escape; tables built from an accepted --rss name
// only queues the spread allows; an accepted key prints and re-parses to itself.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"
#include "xdpkit/ethtool/rings.hpp"
#include "xdpkit/ethtool/rss.hpp"

namespace et = xdpkit::ethtool;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0: {
        const auto r = et::parse_channels_request(text);
        (void)et::apply_request(et::channels{}, r);
        break;
      }
      case 1: (void)et::parse_rings_request(text); break;
      case 2: {
        const auto r = et::parse_rss_request(text);
        if (r.weights.size() > 4096) break;  // a table per queue is fine, a huge loop is not the point
        const auto table = et::table_for(r, 128);
        const std::size_t queues = r.how == et::rss_request::kind::equal ? r.n : r.weights.size();
        for (auto q : table)
          if (q >= queues) std::abort();
        break;
      }
      case 3: {
        const auto h = et::parse_hash_request(text);
        if (et::letters_to_fields(et::fields_to_letters(h.fields)) != h.fields) std::abort();
        break;
      }
      case 4: {
        const auto key = et::parse_rss_key(text);
        if (key.empty() || et::parse_rss_key(et::format_rss_key(key)) != key) std::abort();
        break;
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
