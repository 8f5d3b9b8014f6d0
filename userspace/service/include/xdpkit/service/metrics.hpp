// SPDX-License-Identifier: Apache-2.0
// The service's metrics, read at scrape time (the per-CPU maps summed, the
// workers' counters, XDP_STATISTICS): never mirrored into client counters,
// never rates. Names and labels follow ../shared/OPERATIONS.md: queues are a
// label, not part of a name; per-rule series are capped and the rest summed
// as rule="other".
#pragma once

#include <prometheus/metric_family.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "xdpkit/service/service.hpp"

namespace xdpkit::service {

inline constexpr const char* kVersion = "0.1.0";

// Pure: the snapshot as metric families, for the endpoint and for tests.
std::vector<prometheus::MetricFamily> metric_families(const service_snapshot& snap, std::uint32_t max_rule_series);

// The Prometheus text endpoint (prometheus-cpp's civetweb server), GET /metrics.
class prometheus_endpoint {
 public:
  // `listen` is "HOST:PORT" ([metrics] prometheus_listen). Throws
  // std::runtime_error naming the address when it cannot listen there.
  prometheus_endpoint(const service& svc, const std::string& listen, std::uint32_t max_rule_series);
  ~prometheus_endpoint();
  prometheus_endpoint(const prometheus_endpoint&) = delete;
  prometheus_endpoint& operator=(const prometheus_endpoint&) = delete;

  const std::string& listen() const noexcept { return listen_; }

 private:
  struct state;
  std::string listen_;
  std::unique_ptr<state> s_;
};

}  // namespace xdpkit::service
