// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/metrics.hpp"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <chrono>
#include <stdexcept>

#include "xdpkit/firewall/counter_names.hpp"

namespace xdpkit::service {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using labels = std::vector<ClientMetric::Label>;

class family_builder {
 public:
  family_builder(std::vector<MetricFamily>& out, std::string name, std::string help, MetricType type)
      : out_(out), index_(out.size()) {
    out.push_back(MetricFamily{std::move(name), std::move(help), type, {}});
  }
  void add(labels l, double value) {
    ClientMetric m;
    m.label = std::move(l);
    if (out_[index_].type == MetricType::Counter) m.counter.value = value;
    else m.gauge.value = value;
    out_[index_].metric.push_back(std::move(m));
  }

 private:
  std::vector<MetricFamily>& out_;  // by index: push_back moves the families
  std::size_t index_;
};

double d(std::uint64_t v) { return static_cast<double>(v); }

void interface_metrics(std::vector<MetricFamily>& out, const service_snapshot& snap) {
  family_builder info(out, "xdpkit_interface_info", "The data plane on each interface (value 1)", MetricType::Gauge);
  family_builder xdp(out, "xdpkit_xdp_packets_total", "Packets the XDP program handled, by action",
                     MetricType::Counter);
  family_builder journal(out, "xdpkit_tune_journal_entries",
                         "NIC changes the service holds for its revert at stop", MetricType::Gauge);
  for (const auto& i : snap.interfaces) {
    info.add({{"interface", i.name},
              {"program", i.program},
              {"xdp_mode", std::string(to_string(i.info.mode))},
              {"attach", std::string(to_string(i.info.backend))},
              {"zero_copy", i.info.zero_copy ? "true" : "false"}},
             1);
    const auto& p = i.stats.program;
    xdp.add({{"interface", i.name}, {"action", "redirect"}}, d(p.redirected));
    xdp.add({{"interface", i.name}, {"action", "pass"}}, d(p.passed));
    xdp.add({{"interface", i.name}, {"action", "drop"}}, d(p.dropped));
    journal.add({{"interface", i.name}}, d(i.journal_entries));
  }
}

void queue_metrics(std::vector<MetricFamily>& out, const service_snapshot& snap) {
  struct per_queue {
    const char* name;
    const char* help;
    double (*value)(const queue_stats&);
  };
  static const per_queue counters[] = {
      {"xdpkit_rx_packets_total", "Packets the queue's worker received", [](const queue_stats& q) { return d(q.worker.rx_packets); }},
      {"xdpkit_rx_bytes_total", "Bytes the queue's worker received", [](const queue_stats& q) { return d(q.worker.rx_bytes); }},
      {"xdpkit_tx_packets_total", "Transmissions the kernel completed for the worker", [](const queue_stats& q) { return d(q.worker.tx_packets); }},
      {"xdpkit_xsk_rx_dropped_total", "XDP_STATISTICS rx_dropped", [](const queue_stats& q) { return d(q.kernel.rx_dropped); }},
      {"xdpkit_xsk_rx_ring_full_total", "XDP_STATISTICS rx_ring_full: the rx ring had no room", [](const queue_stats& q) { return d(q.kernel.rx_ring_full); }},
      {"xdpkit_xsk_rx_invalid_descs_total", "XDP_STATISTICS rx_invalid_descs", [](const queue_stats& q) { return d(q.kernel.rx_invalid_descs); }},
      {"xdpkit_xsk_tx_invalid_descs_total", "XDP_STATISTICS tx_invalid_descs", [](const queue_stats& q) { return d(q.kernel.tx_invalid_descs); }},
      {"xdpkit_xsk_rx_fill_ring_empty_total", "XDP_STATISTICS rx_fill_ring_empty_descs (events, not drops)", [](const queue_stats& q) { return d(q.kernel.rx_fill_ring_empty_descs); }},
      {"xdpkit_xsk_tx_ring_empty_total", "XDP_STATISTICS tx_ring_empty_descs (events, not drops)", [](const queue_stats& q) { return d(q.kernel.tx_ring_empty_descs); }},
      {"xdpkit_worker_cpu_seconds_total", "CPU time of the queue's worker thread", [](const queue_stats& q) { return std::chrono::duration<double>(q.cpu_time).count(); }},
  };
  for (const auto& c : counters) {
    family_builder f(out, c.name, c.help, MetricType::Counter);
    for (const auto& i : snap.interfaces)
      for (const auto& q : i.stats.queues) f.add({{"interface", i.name}, {"queue", std::to_string(q.queue)}}, c.value(q));
  }
  family_builder dropped(out, "xdpkit_worker_dropped_packets_total", "Packets a worker dropped, by reason",
                         MetricType::Counter);
  family_builder worker(out, "xdpkit_worker_info", "Where each queue's worker runs (value 1)", MetricType::Gauge);
  for (const auto& i : snap.interfaces)
    for (const auto& q : i.stats.queues) {
      const std::string queue = std::to_string(q.queue);
      dropped.add({{"interface", i.name}, {"queue", queue}, {"reason", "handler"}}, d(q.worker.dropped));
      dropped.add({{"interface", i.name}, {"queue", queue}, {"reason", "tx_ring_full"}}, d(q.worker.tx_ring_full));
      worker.add({{"interface", i.name}, {"queue", queue}, {"cpu", std::to_string(q.cpu)}, {"napi_id", std::to_string(q.napi_id)}}, 1);
    }
}

void firewall_metrics(std::vector<MetricFamily>& out, const service_snapshot& snap, std::uint32_t max_rule_series) {
  family_builder verdicts(out, "xdpkit_firewall_packets_total", "Packets the firewall decided, by verdict",
                          MetricType::Counter);
  family_builder reasons(out, "xdpkit_firewall_reason_packets_total", "Why the firewall decided as it did",
                         MetricType::Counter);
  family_builder actions(out, "xdpkit_firewall_action_packets_total",
                         "Packets by the action their rule (or the default) chose, before a redirect with no socket "
                         "or no device fell back: redirect_dev and redirect_xsk apart",
                         MetricType::Counter);
  family_builder rules(out, "xdpkit_firewall_rule_hits_total",
                       "Packets each rule matched, by position in the running set; past [metrics] max_rule_series "
                       "the rest are summed as rule=\"other\"",
                       MetricType::Counter);
  for (const auto& i : snap.interfaces) {
    if (!i.stats.firewall) continue;
    const auto& f = *i.stats.firewall;
    for (int v = 0; v < XDPKIT_FW_NR_VERDICTS; ++v)
      verdicts.add({{"interface", i.name}, {"verdict", std::string(firewall::verdict_name(v))}}, d(f.verdict[v]));
    for (int r = 0; r < XDPKIT_FW_NR_REASONS; ++r)
      reasons.add({{"interface", i.name}, {"reason", std::string(firewall::reason_name(r))}}, d(f.reason[r]));
    for (int a = 0; a < XDPKIT_FW_NR_ACTIONS; ++a)
      actions.add({{"interface", i.name}, {"action", std::string(firewall::action_name(a))}}, d(f.action[a]));
    std::uint64_t other = 0;
    for (std::size_t r = 0; r < i.rule_hits.size(); ++r) {
      if (r < max_rule_series) rules.add({{"interface", i.name}, {"rule", std::to_string(r)}}, d(i.rule_hits[r]));
      else other += i.rule_hits[r];
    }
    if (i.rule_hits.size() > max_rule_series) rules.add({{"interface", i.name}, {"rule", "other"}}, d(other));
  }
}

}  // namespace

std::vector<MetricFamily> metric_families(const service_snapshot& snap, std::uint32_t max_rule_series) {
  std::vector<MetricFamily> out;
  family_builder(out, "xdpkit_build_info", "The xdpkit that serves these metrics (value 1)", MetricType::Gauge)
      .add({{"version", kVersion}}, 1);
  family_builder reloads(out, "xdpkit_config_reloads_total", "Reloads (SIGHUP), by result", MetricType::Counter);
  reloads.add({{"result", "ok"}}, d(snap.reloads_ok));
  reloads.add({{"result", "failed"}}, d(snap.reloads_failed));
  interface_metrics(out, snap);
  queue_metrics(out, snap);
  firewall_metrics(out, snap, max_rule_series);
  // A family with no sample says nothing; leave it out.
  std::erase_if(out, [](const MetricFamily& f) { return f.metric.empty(); });
  return out;
}

namespace {
class service_collectable final : public prometheus::Collectable {
 public:
  service_collectable(const service& svc, std::uint32_t max_rule_series) : svc_(svc), max_(max_rule_series) {}
  std::vector<MetricFamily> Collect() const override { return metric_families(svc_.snapshot(), max_); }

 private:
  const service& svc_;
  std::uint32_t max_;
};
}  // namespace

struct prometheus_endpoint::state {
  std::shared_ptr<service_collectable> collectable;
  std::unique_ptr<prometheus::Exposer> exposer;
};

prometheus_endpoint::prometheus_endpoint(const service& svc, const std::string& listen, std::uint32_t max_rule_series)
    : listen_(listen), s_(std::make_unique<state>()) {
  s_->collectable = std::make_shared<service_collectable>(svc, max_rule_series);
  try {
    s_->exposer = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    throw std::runtime_error("metrics: cannot listen on " + listen + " ([metrics] prometheus_listen): " + e.what() +
                             "; is the port in use (`ss -ltnp`)?");
  }
  s_->exposer->RegisterCollectable(s_->collectable);
}

prometheus_endpoint::~prometheus_endpoint() {
  // The server's threads stop before the collectable (and the service it reads) can go.
  if (s_) s_->exposer.reset();
}

}  // namespace xdpkit::service
