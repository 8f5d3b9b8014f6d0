// SPDX-License-Identifier: Apache-2.0
#include "tune_steps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "xdpkit/base/quote.hpp"
#include "xdpkit/ethtool/features.hpp"
#include "xdpkit/ethtool/ntuple.hpp"
#include "xdpkit/ethtool/queues.hpp"
#include "xdpkit/topology/interrupts.hpp"

namespace xdpkit::ethtool::detail {
namespace {

using json = nlohmann::json;
using topology::cpu_set;

json counts(const channels& c) { return {{"rx", c.rx}, {"tx", c.tx}, {"other", c.other}, {"combined", c.combined}}; }
json counts(const rings& r) { return {{"rx", r.rx}, {"tx", r.tx}, {"rx_mini", r.rx_mini}, {"rx_jumbo", r.rx_jumbo}}; }

json rss_value(const rss_config& r) {
  // The default spread is journaled as "default" (an empty table), so revert
  // hands the table back to the kernel instead of pinning today's layout.
  if (is_default_spread(r.table, r.rx_rings)) return {{"table", json::array()}};
  return {{"table", r.table}};
}

json key_value(const rss_config& r) { return {{"key", format_rss_key(r.key)}}; }

// A rule as the journal keeps it: its text with `loc`, enough to insert it
// again exactly where it was.
json rule_value(std::uint32_t loc, const flow_rule& r) { return {{"loc", loc}, {"rule", format_rule(r)}}; }

json hash_value(const device& dev, const hash_request& h) {
  return {{"flow", h.flow_name}, {"fields", fields_to_letters(get_hash_fields(dev, h.flow_type).value())}};
}

json feature_value(const device& dev, const std::string& name) {
  // Held in a named variable: a range-for over get_features(dev).value()
  // would iterate a vector owned by a destroyed temporary.
  const auto features = get_features(dev);
  for (const auto& f : features.value())
    if (f.name == name) return {{"name", name}, {"on", f.requested}, {"changeable", f.changeable}};
  throw os_error(EOPNOTSUPP, "ETHTOOL_GFEATURES", dev.name(), "this kernel has no feature " + xdpkit::quote(name));
}

// virtio-net keeps new hash fields in the driver, unsent, while receive hashing
// (the rx-hashing feature) is off, as it is by default; its next RSS command
// carries them. Found by the rig: `--hash udp4=sd` changed nothing on the wire.
// Writing the RSS table again, unchanged, is that command.
// Turning rx-hashing on instead works until it is turned off again: the driver
// then sets the device's hash types to none and every packet lands on queue 0,
// and the state at boot (rx-hashing off, all types hashed) can't be reached
// through the feature. Drivers that apply hash fields at once are left alone.
void push_hash_fields(const device& dev) {
  try {
    if (feature_value(dev, "rx-hashing")["on"]) return;
  } catch (const os_error&) {
    return;  // no such feature: nothing to work around
  }
  rewrite_rss_table(dev);
}

const rx_queue* find_rx(const queue_report& q, unsigned i) {
  for (const auto& r : q.rx)
    if (r.index == i) return &r;
  return nullptr;
}
const tx_queue* find_tx(const queue_report& q, unsigned i) {
  for (const auto& t : q.tx)
    if (t.index == i) return &t;
  return nullptr;
}

std::vector<step> plan_irqs(const tune_context& ctx, const std::string& spec) {
  // The list is checked before the device is: `7-2` is wrong on every device,
  // including one with no queue IRQs to place.
  cpu_set cpus;
  if (spec != "local") cpus = cpu_set::parse_list(spec, "--irq-affinity");
  const queue_report q = read_queues(ctx.root, ctx.dev.name());
  const bool any = std::any_of(q.irqs.begin(), q.irqs.end(), [](const queue_irq& i) { return i.role.queue >= 0; });
  if (!any)  // veth, lo, tun: nothing to place, and nothing wrong with asking
    return {step{"irq", "irq affinity", json(), json(), [](const tune_context&) { return json(); },
                 "no per-queue IRQs on this device"}};
  if (spec == "local") {
    if (!q.nic.pci)
      throw os_error(ENODEV, "irq affinity", ctx.dev.name(),
                  "the interface has no PCI device, so no local CPUs; give a CPU list instead of 'local'");
    cpus = q.nic.pci->local_cpus;
  }
  if (cpus.empty()) throw os_error(EINVAL, "irq affinity", ctx.dev.name(), "the CPU set is empty");
  const auto ids = cpus.ids();
  std::vector<step> out;
  for (const auto& i : q.irqs) {
    if (i.role.queue < 0) continue;  // link/config vectors stay where they are
    if (!i.affinity) continue;       // /proc/irq/N absent: nothing to place
    const cpu_set target{ids[static_cast<std::size_t>(i.role.queue) % ids.size()]};
    const unsigned irq = i.irq;
    out.push_back(step{"irq", fmt::format("irq {} ({})", irq, i.name), json{{"irq", irq}, {"cpus", i.affinity->to_list()}},
                       json{{"irq", irq}, {"cpus", target.to_list()}}, [irq](const tune_context& c) {
                         return json{{"irq", irq}, {"cpus", topology::read_irq_affinity(c.root, irq).affinity.to_list()}};
                       }});
  }
  return out;
}

std::vector<step> plan_rps(const tune_context& ctx, const cpu_set& cpus) {
  const queue_report q = read_queues(ctx.root, ctx.dev.name());
  std::vector<step> out;
  for (const auto& r : q.rx) {
    if (!r.rps_cpus)
      throw os_error(EOPNOTSUPP, "rps", ctx.dev.name(), "this kernel has no RPS (rps_cpus missing)");
    const unsigned i = r.index;
    out.push_back(step{"rps", fmt::format("rps rx-{}", i), json{{"queue", i}, {"cpus", r.rps_cpus->to_list()}},
                       json{{"queue", i}, {"cpus", cpus.to_list()}}, [i](const tune_context& c) {
                         const auto* now = find_rx(read_queues(c.root, c.dev.name()), i);
                         return now && now->rps_cpus ? json{{"queue", i}, {"cpus", now->rps_cpus->to_list()}} : json();
                       }});
  }
  return out;
}

std::vector<step> plan_xps(const tune_context& ctx, const cpu_set& cpus) {
  const queue_report q = read_queues(ctx.root, ctx.dev.name());
  const auto ids = cpus.ids();
  if (ids.empty()) throw os_error(EINVAL, "xps", ctx.dev.name(), "the CPU set is empty");
  std::vector<step> out;
  for (const auto& t : q.tx) {
    if (!t.xps_cpus)
      throw os_error(EOPNOTSUPP, "xps", ctx.dev.name(), "this kernel has no XPS (xps_cpus missing)");
    const unsigned i = t.index;
    const cpu_set target{ids[i % ids.size()]};
    out.push_back(step{"xps", fmt::format("xps tx-{}", i), json{{"queue", i}, {"cpus", t.xps_cpus->to_list()}},
                       json{{"queue", i}, {"cpus", target.to_list()}}, [i](const tune_context& c) {
                         const auto* now = find_tx(read_queues(c.root, c.dev.name()), i);
                         return now && now->xps_cpus ? json{{"queue", i}, {"cpus", now->xps_cpus->to_list()}} : json();
                       }});
  }
  return out;
}

std::vector<step> plan_busy_poll(const tune_context& ctx, const tune_request& req) {
  const queue_report q = read_queues(ctx.root, ctx.dev.name());
  if (!q.napi_defer_hard_irqs || !q.gro_flush_timeout_ns)
    throw os_error(EOPNOTSUPP, "busy poll", ctx.dev.name(),
                "this kernel has no napi_defer_hard_irqs/gro_flush_timeout (Linux 5.10+)");
  auto reader = [](bool defer) {
    return [defer](const tune_context& c) {
      const auto now = read_queues(c.root, c.dev.name());
      return defer ? json{{"value", now.napi_defer_hard_irqs.value_or(0)}}
                   : json{{"value", now.gro_flush_timeout_ns.value_or(0)}};
    };
  };
  return {
      step{"napi_defer_hard_irqs", "napi_defer_hard_irqs", json{{"value", *q.napi_defer_hard_irqs}},
           json{{"value", req.busy_poll_defer_hard_irqs}}, reader(true)},
      step{"gro_flush_timeout", "gro_flush_timeout", json{{"value", *q.gro_flush_timeout_ns}},
           json{{"value", req.busy_poll_gro_flush_timeout_ns}}, reader(false)},
  };
}

}  // namespace

std::vector<phase> phases(const tune_request& req) {
  std::vector<phase> out;
  if (!req.ntuple.empty())
    out.push_back({"feature rx-ntuple-filter", [](const tune_context& c) {
                     // Rules need the filter on; journaled like any change, so
                     // revert turns it off again if it was off.
                     json old = feature_value(c.dev, "rx-ntuple-filter");
                     if (!old["on"] && !old["changeable"])
                       throw os_error(EOPNOTSUPP, "ETHTOOL_SFEATURES rx-ntuple-filter", c.dev.name(),
                                   "the feature is fixed off for this device: the driver has no ntuple filters");
                     old.erase("changeable");
                     json next = old;
                     next["on"] = true;
                     return std::vector<step>{{"feature", "feature rx-ntuple-filter", old, next, [](const tune_context& cc) {
                                                 json now = feature_value(cc.dev, "rx-ntuple-filter");
                                                 now.erase("changeable");
                                                 return now;
                                               }}};
                   }});
  // The RSS table as it was before the channels step: a default spread over
  // the queues of then is journaled as "default" (see rss_value). Planned
  // after the channels changed, the same table would look like a user table
  // (a spread over 4 queues with 2 left), be journaled as such, and revert
  // would write it back explicitly, leaving the kernel's "user-configured"
  // mark on it, which then refuses any channel count below the table's
  // (found by the rig on virtio-net: tune-fault after tune-revert).
  struct rss_before {
    std::vector<std::uint32_t> table;
    json value;
  };
  auto before = std::make_shared<std::optional<rss_before>>();
  if (req.rss && req.channels)
    out.push_back({"rss (before channels)", [before](const tune_context& c) {
                     const rss_config now = get_rss(c.dev).value();
                     *before = rss_before{now.table, rss_value(now)};
                     return std::vector<step>{};
                   }});
  if (req.channels)
    out.push_back({"channels", [want = *req.channels](const tune_context& c) {
                     const channels now = get_channels(c.dev).value();
                     return std::vector<step>{{"channels", "channels", counts(now), counts(apply_request(now, want)),
                                               [](const tune_context& cc) { return counts(get_channels(cc.dev).value()); }}};
                   }});
  if (req.rings)
    out.push_back({"rings", [want = *req.rings](const tune_context& c) {
                     const rings now = get_rings(c.dev).value();
                     return std::vector<step>{{"rings", "rings", counts(now), counts(apply_request(now, want)),
                                               [](const tune_context& cc) { return counts(get_rings(cc.dev).value()); }}};
                   }});
  if (req.rss)
    out.push_back({"rss", [want = *req.rss, before](const tune_context& c) {
                     // today's table, journaled as it was before the tune when the channels step left it alone
                     const auto value = [before](const rss_config& r) {
                       return *before && (*before)->table == r.table ? (*before)->value : rss_value(r);
                     };
                     const rss_config now = get_rss(c.dev).value();
                     const auto table = table_for(want, static_cast<std::uint32_t>(now.table.size()));
                     if (!table.empty() && now.rx_rings > 0)
                       for (auto q : table)
                         if (q >= now.rx_rings)
                           throw os_error(EINVAL, "rss", c.dev.name(),
                                       fmt::format("the spread names queue {} but there are {} rx rings; raise --channels", q,
                                                   now.rx_rings));
                     return std::vector<step>{{"rss", "rss", value(now), json{{"table", table}},
                                               [value](const tune_context& cc) { return value(get_rss(cc.dev).value()); }}};
                   }});
  if (req.rss_key)
    out.push_back({"rss key", [want = *req.rss_key](const tune_context& c) {
                     const rss_config now = get_rss(c.dev).value();
                     // Revert needs the old key; a driver that hides it (or
                     // only has the legacy calls, which carry none) cannot
                     // have its key changed reversibly.
                     if (now.key.empty())
                       throw os_error(EOPNOTSUPP, "ETHTOOL_GRSSH", c.dev.name(),
                                   now.legacy_api ? "the driver has only the legacy RSS calls, which carry no hash key"
                                                  : "the driver does not report its RSS hash key, so the old key "
                                                    "could not be journaled for revert");
                     if (now.key.size() != want.size())
                       throw os_error(EINVAL, "rss key", c.dev.name(),
                                   fmt::format("--rss-key has {} bytes but the driver's key has {}; give {} bytes",
                                               want.size(), now.key.size(), now.key.size()));
                     return std::vector<step>{{"rss_key", "rss key", key_value(now), json{{"key", format_rss_key(want)}},
                                               [](const tune_context& cc) { return key_value(get_rss(cc.dev).value()); }}};
                   }});
  if (!req.hash.empty())
    out.push_back({"hash", [hash = req.hash](const tune_context& c) {
                     std::vector<step> steps;
                     for (const auto& h : hash)
                       steps.push_back({"hash", "hash " + h.flow_name, hash_value(c.dev, h),
                                        json{{"flow", h.flow_name}, {"fields", fields_to_letters(h.fields)}},
                                        [h](const tune_context& cc) { return hash_value(cc.dev, h); }});
                     return steps;
                   }});
  if (!req.ntuple_delete.empty())
    out.push_back({"ntuple delete", [locs = req.ntuple_delete](const tune_context& c) {
                     std::vector<step> steps;
                     for (const std::uint32_t loc : locs) {
                       const flow_rule r = get_rule(c.dev, loc).value();  // nothing there: the plan fails, says where
                       steps.push_back({"ntuple-delete", fmt::format("ntuple delete loc {}", loc), rule_value(loc, r),
                                        json(nullptr),
                                        [loc](const tune_context& cc) {
                                          const auto now = get_rule(cc.dev, loc);
                                          return now ? rule_value(loc, *now) : json(nullptr);
                                        },
                                        "delete " + format_rule(r)});
                     }
                     return steps;
                   }});
  if (!req.ntuple.empty())
    out.push_back({"ntuple", [rules = req.ntuple](const tune_context&) {
                     std::vector<step> steps;
                     for (const auto& r : rules)
                       steps.push_back({"ntuple", "ntuple " + format_rule(r), json(nullptr), json{{"rule", format_rule(r)}},
                                        [](const tune_context&) { return json(nullptr); }});
                     return steps;
                   }});
  if (req.irq_affinity)
    out.push_back({"irq", [spec = *req.irq_affinity](const tune_context& c) { return plan_irqs(c, spec); }});
  if (req.rps) out.push_back({"rps", [cpus = *req.rps](const tune_context& c) { return plan_rps(c, cpus); }});
  if (req.xps) out.push_back({"xps", [cpus = *req.xps](const tune_context& c) { return plan_xps(c, cpus); }});
  if (req.busy_poll) out.push_back({"busy-poll", [req](const tune_context& c) { return plan_busy_poll(c, req); }});
  return out;
}

bool release_rss_for_channels(const tune_context& ctx, const json& counts) {
  const auto rss = get_rss(ctx.dev);
  if (!rss || rss->table.empty()) return false;
  const std::uint32_t queues = counts.at("combined").get<std::uint32_t>() + counts.at("rx").get<std::uint32_t>();
  const bool fits = std::all_of(rss->table.begin(), rss->table.end(), [&](std::uint32_t q) { return q < queues; });
  if (fits) return false;
  set_rss_table(ctx.dev, {}).value();
  return true;
}

void write_step(const tune_context& ctx, const std::string& kind, const json& v) {
  const device& dev = ctx.dev;
  if (kind == "channels") {
    channels want = get_channels(dev).value();
    want.rx = v.at("rx");
    want.tx = v.at("tx");
    want.other = v.at("other");
    want.combined = v.at("combined");
    set_channels(dev, want).value();
  } else if (kind == "rings") {
    rings want = get_rings(dev).value();
    want.rx = v.at("rx");
    want.tx = v.at("tx");
    want.rx_mini = v.at("rx_mini");
    want.rx_jumbo = v.at("rx_jumbo");
    set_rings(dev, want).value();
  } else if (kind == "rss") {
    const auto table = v.at("table").get<std::vector<std::uint32_t>>();
    set_rss_table(dev, table).value();
    verify_rss_table(dev, table);  // some drivers accept and ignore
  } else if (kind == "rss_key") {
    const auto key = parse_rss_key(v.at("key").get<std::string>());
    set_rss_key(dev, key).value();
    // Like the table: a driver may accept a key and keep its own.
    if (get_rss(dev).value().key != key)
      throw os_error(EIO, "RSS key read-back", dev.name(), "the driver accepted the key but did not apply it");
  } else if (kind == "hash") {
    const std::string flow = v.at("flow");
    const auto type = hash_flow_type(flow);
    if (!type) throw os_error(EPROTO, "journal", dev.name(), "unknown hash flow " + xdpkit::quote(flow));
    set_hash_fields(dev, *type, letters_to_fields(v.at("fields").get<std::string>())).value();
    push_hash_fields(dev);
  } else if (kind == "feature") {
    set_feature(dev, v.at("name").get<std::string>(), v.at("on").get<bool>()).value();
  } else if (kind == "irq") {
    topology::write_irq_affinity(ctx.root, v.at("irq").get<unsigned>(), cpu_set::parse_list(v.at("cpus").get<std::string>()));
  } else if (kind == "rps") {
    write_rps_cpus(ctx.root, dev.name(), v.at("queue").get<unsigned>(), cpu_set::parse_list(v.at("cpus").get<std::string>()));
  } else if (kind == "xps") {
    write_xps_cpus(ctx.root, dev.name(), v.at("queue").get<unsigned>(), cpu_set::parse_list(v.at("cpus").get<std::string>()));
  } else if (kind == "napi_defer_hard_irqs") {
    write_napi_defer_hard_irqs(ctx.root, dev.name(), v.at("value").get<std::uint32_t>());
  } else if (kind == "gro_flush_timeout") {
    write_gro_flush_timeout(ctx.root, dev.name(), v.at("value").get<std::uint64_t>());
  } else {
    throw os_error(EPROTO, "journal", dev.name(), "unknown step " + xdpkit::quote(kind) + " (written by a newer xdpkit?)");
  }
}

std::string describe(const json& old, const json& next) {
  static const std::set<std::string> identity{"queue", "irq", "flow", "name"};
  auto text = [](const std::string& key, const json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>().empty() ? "none" : v.get<std::string>();
    if (key == "table") {
      if (v.empty()) return "default spread";
      std::set<std::uint32_t> queues(v.begin(), v.end());
      return fmt::format("{} entries over {} queues", v.size(), queues.size());
    }
    if (v.is_boolean()) return v.get<bool>() ? "on" : "off";
    return v.dump();
  };
  if (old.is_null()) return "add";
  std::string out;
  for (const auto& [key, v] : next.items()) {
    if (identity.count(key)) continue;
    const json before = old.contains(key) ? old[key] : json();
    if (before == v) continue;
    // Single-valued steps ("on", "value") read better without the key.
    const std::string name = key == "on" || key == "value" ? "" : key + " ";
    out += fmt::format("{}{}{} -> {}", out.empty() ? "" : ", ", name, text(key, before), text(key, v));
  }
  return out.empty() ? "unchanged" : out;
}

}  // namespace xdpkit::ethtool::detail
