// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/ethtool/probe.hpp"

#include <exception>

#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/features.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"
#include "xdpkit/ethtool/info.hpp"
#include "xdpkit/ethtool/ntuple.hpp"
#include "xdpkit/ethtool/queues.hpp"
#include "xdpkit/ethtool/rings.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/ethtool/xdp.hpp"

namespace xdpkit::ethtool {
namespace {

using json = nlohmann::ordered_json;

json unsupported(const std::string& reason) { return json{{"supported", false}, {"reason", reason}}; }

template <class T, class Fill>
json section(const result<T>& r, Fill fill) {
  if (!r) return unsupported(r.refused().message());
  json j{{"supported", true}};
  fill(j, r.value());
  return j;
}

// Some drivers answer an unsupported query with EINVAL or ENODATA instead of
// EOPNOTSUPP; a probe reports that as "not supported" rather than stopping.
template <class Get, class Fill>
json guarded(Get get, Fill fill) {
  try {
    return section(get(), fill);
  } catch (const os_error& e) {
    return unsupported(e.what());
  }
}

json probe_hash_fields(const device& dev) {
  json flows = json::object();
  std::string first_refusal;
  bool any = false;
  for (const auto& name : hash_flow_names()) {
    const auto r = get_hash_fields(dev, *hash_flow_type(name));
    if (r) {
      flows[name] = fields_to_letters(*r);
      any = true;
    } else {
      flows[name] = nullptr;
      if (first_refusal.empty()) first_refusal = r.refused().message();
    }
  }
  if (!any) return unsupported(first_refusal);
  return json{{"supported", true}, {"flows", flows}};
}

json probe_ntuple(const device& dev, std::size_t max_rules) {
  const auto count = get_rule_count(dev);
  return section(count, [&](json& j, const rule_table& t) {
    j["rules"] = t.count;
    j["table_size"] = t.size;
    j["special_locations"] = t.special_locations;
    json list = json::array();
    if (t.count > 0) {
      const auto rules = get_rules(dev);
      if (rules) {
        for (std::size_t i = 0; i < rules->size() && i < max_rules; ++i) list.push_back(format_rule((*rules)[i]));
      } else {
        j["list_error"] = rules.refused().message();
      }
    }
    j["list"] = list;
  });
}

json probe_queues(const device& dev, const topology::host_root& root) {
  queue_report q;
  try {
    q = read_queues(root, dev.name());
  } catch (const std::exception& e) {
    return unsupported(std::string("reading /sys for ") + dev.name() + ": " + e.what());
  }
  json j{{"supported", true}};
  j["virtual"] = q.nic.is_virtual;
  j["pci"] = q.nic.pci ? json(q.nic.pci->address) : json(nullptr);
  j["numa_node"] = q.nic.numa_node();
  j["local_cpus"] = q.nic.pci ? json(q.nic.pci->local_cpus.to_list()) : json(nullptr);
  json irqs = json::array();
  for (const auto& i : q.irqs) {
    irqs.push_back(json{{"irq", i.irq},
                        {"name", i.name},
                        {"queue", i.role.queue < 0 ? json(nullptr) : json(i.role.queue)},
                        {"direction", i.role.direction.empty() ? json(nullptr) : json(i.role.direction)},
                        {"affinity", i.affinity ? json(i.affinity->to_list()) : json(nullptr)},
                        {"effective", i.effective ? json(i.effective->to_list()) : json(nullptr)}});
  }
  j["irqs"] = irqs;
  json rx = json::array(), tx = json::array();
  for (const auto& r : q.rx)
    rx.push_back(json{{"queue", r.index},
                      {"rps_cpus", r.rps_cpus ? json(r.rps_cpus->to_list()) : json(nullptr)},
                      {"rps_flow_cnt", r.rps_flow_cnt ? json(*r.rps_flow_cnt) : json(nullptr)}});
  for (const auto& t : q.tx)
    tx.push_back(json{{"queue", t.index}, {"xps_cpus", t.xps_cpus ? json(t.xps_cpus->to_list()) : json(nullptr)}});
  j["rx"] = rx;
  j["tx"] = tx;
  j["napi_defer_hard_irqs"] = q.napi_defer_hard_irqs ? json(*q.napi_defer_hard_irqs) : json(nullptr);
  j["gro_flush_timeout_ns"] = q.gro_flush_timeout_ns ? json(*q.gro_flush_timeout_ns) : json(nullptr);
  return j;
}

}  // namespace

json probe(const device& dev, const probe_options& options) {
  json j;
  j["interface"] = dev.name();
  j["driver"] = section(get_driver_info(dev), [](json& s, const driver_info& d) {
    s["name"] = d.driver;
    s["version"] = d.version;
    s["firmware"] = d.firmware;
    s["bus"] = d.bus;
  });
  j["channels"] = guarded([&] { return get_channels(dev); }, [](json& s, const channels& c) {
    s["max"] = json{{"rx", c.max_rx}, {"tx", c.max_tx}, {"other", c.max_other}, {"combined", c.max_combined}};
    s["current"] = json{{"rx", c.rx}, {"tx", c.tx}, {"other", c.other}, {"combined", c.combined}};
  });
  j["rings"] = guarded([&] { return get_rings(dev); }, [](json& s, const rings& r) {
    s["max"] = json{{"rx", r.max_rx}, {"rx_mini", r.max_rx_mini}, {"rx_jumbo", r.max_rx_jumbo}, {"tx", r.max_tx}};
    s["current"] = json{{"rx", r.rx}, {"rx_mini", r.rx_mini}, {"rx_jumbo", r.rx_jumbo}, {"tx", r.tx}};
  });
  j["rss"] = guarded([&] { return get_rss(dev); }, [](json& s, const rss_config& r) {
    s["rx_rings"] = r.rx_rings;
    s["table_size"] = r.table.size();
    s["key_size"] = r.key.size();
    s["hash_function"] = r.legacy_api ? json(nullptr) : json(hfunc_name(r.hfunc));
    s["default_spread"] = is_default_spread(r.table, r.rx_rings);
    s["table"] = r.table;
    s["key"] = format_rss_key(r.key);
  });
  try {
    j["hash_fields"] = probe_hash_fields(dev);
  } catch (const os_error& e) {
    j["hash_fields"] = unsupported(e.what());
  }
  try {
    j["ntuple"] = probe_ntuple(dev, options.max_rules);
  } catch (const os_error& e) {
    j["ntuple"] = unsupported(e.what());
  }
  j["features"] = guarded([&] { return get_features(dev); }, [](json& s, const std::vector<feature>& fs) {
    json list = json::object();
    for (const auto& f : fs) {
      if (f.name.empty()) continue;  // bits the kernel reserves but does not name
      list[f.name] = std::string(f.active ? "on" : "off") + (f.changeable ? "" : " [fixed]") +
                     (f.requested != f.active ? (f.requested ? " [requested on]" : " [requested off]") : "");
    }
    s["list"] = list;
  });
  j["xdp"] = guarded([&] { return get_xdp_features(dev); }, [](json& s, const xdp_features& x) {
    // Generic (skb) mode works on every netdev; the others need the driver.
    json modes = json::array({"generic"});
    if (x.has(xdp_basic)) modes.push_back("native");
    if (x.has(xdp_hw_offload)) modes.push_back("offload");
    s["modes"] = modes;
    s["native"] = x.has(xdp_basic);
    s["redirect"] = x.has(xdp_redirect);
    s["redirect_target"] = x.has(xdp_ndo_xmit);
    s["zero_copy"] = x.has(xdp_xsk_zerocopy);
    s["hw_offload"] = x.has(xdp_hw_offload);
    s["multi_buffer"] = x.has(xdp_rx_sg);
    s["zc_max_segs"] = x.zc_max_segs;
    s["flags"] = xdp_feature_names(x.flags);
  });
  j["queues"] = probe_queues(dev, options.root);
  return j;
}

}  // namespace xdpkit::ethtool
