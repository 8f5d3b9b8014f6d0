// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/forward/xdp_forwarder.hpp"

#include <stdexcept>

#include "xdpkit/userspace/interface_watch.hpp"

namespace xdpkit::forward {

struct xdp_forwarder::state {
  xdp_forwarder_config config;
  std::vector<forward_program> directions;  // A -> B, then B -> A
  std::vector<interface_watch> watches;
};

xdp_forwarder::xdp_forwarder(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
xdp_forwarder::xdp_forwarder(xdp_forwarder&&) noexcept = default;
xdp_forwarder& xdp_forwarder::operator=(xdp_forwarder&&) noexcept = default;
xdp_forwarder::~xdp_forwarder() = default;

xdp_forwarder xdp_forwarder::start(const xdp_forwarder_config& config) {
  if (config.a.empty() || config.b.empty()) throw std::invalid_argument("forward: two interfaces are needed");
  auto st = std::make_unique<state>();
  st->config = config;
  // A failure on the second direction unwinds the first (its destructor detaches).
  st->directions.push_back(forward_program::attach(config.a, config.b, config.mode, config.multi_buffer));
  if (config.b != config.a) st->directions.push_back(forward_program::attach(config.b, config.a, config.mode, config.multi_buffer));
  // Only now, each egress holding a program of its own, may frames cross.
  for (auto& d : st->directions) d.go_live();
  for (const auto& d : st->directions) st->watches.emplace_back(d.attachment().ifname(), d.attachment().ifindex());
  return xdp_forwarder(std::move(st));
}

std::vector<direction_stats> xdp_forwarder::stats() const {
  std::vector<direction_stats> out;
  for (const auto& d : s_->directions) out.push_back({d.ingress(), d.egress(), d.counters()});
  return out;
}

void xdp_forwarder::stop() noexcept {
  for (auto& d : s_->directions) d.detach();
}

const std::vector<forward_program>& xdp_forwarder::directions() const noexcept { return s_->directions; }

std::optional<std::string> xdp_forwarder::interface_lost() const {
  for (const auto& w : s_->watches)
    if (auto why = w.lost()) return why;
  return std::nullopt;
}

}  // namespace xdpkit::forward
