// SPDX-License-Identifier: Apache-2.0
#include "queue_words.hpp"

#include <stdexcept>

#include "xdpkit/base/quote.hpp"
#include "xdpkit/topology/cpu_set.hpp"

namespace xdpkit::cli {

std::vector<std::uint32_t> resolve_queues(const std::vector<std::string>& words, const topology::nic_info* nic,
                                          const std::string& ifname) {
  std::vector<std::uint32_t> out;
  for (const auto& w : words) {
    if (w == "all") {
      if (!nic || nic->rx_queues == 0)
        throw std::invalid_argument("--queue all: /sys/class/net/" + ifname +
                                    "/queues lists no rx queue in this namespace; is the interface here? (`ip link "
                                    "show " + ifname + "`)");
      for (std::uint32_t q = 0; q < nic->rx_queues; ++q) out.push_back(q);
      continue;
    }
    try {
      for (unsigned q : topology::cpu_set::parse_list(w, "--queue").ids()) out.push_back(q);
    } catch (const std::exception& e) {
      throw std::invalid_argument("--queue " + xdpkit::quote(w) + ": not a queue number, a list such as 0-3, or all (" +
                                  e.what() + ")");
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = i + 1; j < out.size(); ++j)
      if (out[i] == out[j]) throw std::invalid_argument("--queue names queue " + std::to_string(out[i]) + " twice");
  return out;
}

}  // namespace xdpkit::cli
