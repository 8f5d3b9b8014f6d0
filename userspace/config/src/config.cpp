// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/config/config.hpp"

#include <toml++/toml.h>

#include <initializer_list>
#include <set>

#include "xdpkit/base/ifname.hpp"
#include "xdpkit/base/quote.hpp"
#include "xdpkit/base/regular_file.hpp"
#include "xdpkit/ethtool/channels.hpp"
#include "xdpkit/ethtool/hash_fields.hpp"
#include "xdpkit/ethtool/rings.hpp"
#include "xdpkit/ethtool/rss.hpp"
#include "xdpkit/ethtool/rule.hpp"
#include "xdpkit/topology/cpu_set.hpp"
#include "xdpkit/topology/error.hpp"
#include "xdpkit/topology/sysctl.hpp"

namespace xdpkit::config {

namespace {

std::string where_text(const position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

position at(const toml::source_region& r, const std::string& file) {
  return position{file, static_cast<std::uint32_t>(r.begin.line), static_cast<std::uint32_t>(r.begin.column)};
}

// One TOML table read key by key. Every key read is marked; finish() refuses
// the rest, at the key's own position: a typo is an error, not a default.
class table_reader {
 public:
  table_reader(const toml::table& t, std::string path, const std::string& file)
      : t_(t), path_(std::move(path)), file_(file) {}

  std::string dotted(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }
  position where() const { return at(t_.source(), file_); }
  [[noreturn]] void fail(std::string_view key, const std::string& what) const {
    const toml::node* n = t_.get(key);
    throw config_error(n ? at(n->source(), file_) : where(), dotted(key), what);
  }

  const toml::node* node(std::string_view key) {
    used_.insert(std::string(key));
    return t_.get(key);
  }

  std::optional<std::string> string(std::string_view key, std::initializer_list<std::string_view> one_of = {}) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    const auto v = n->value<std::string>();
    if (!n->is_string() || !v) fail(key, "must be a string");
    if (one_of.size() == 0) return *v;
    std::string choices;
    for (auto c : one_of) {
      if (*v == c) return *v;
      choices += (choices.empty() ? "" : ", ") + std::string(c);
    }
    fail(key, xdpkit::quote(*v) + " is not one of " + choices);
  }

  std::optional<std::int64_t> integer(std::string_view key, std::int64_t lo, std::int64_t hi) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_integer()) fail(key, "must be an integer");
    const std::int64_t v = *n->value<std::int64_t>();
    if (v < lo || v > hi) fail(key, std::to_string(v) + " is outside " + std::to_string(lo) + "-" + std::to_string(hi));
    return v;
  }

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return std::nullopt;
    if (!n->is_boolean()) fail(key, "must be true or false");
    return *n->value<bool>();
  }

  std::vector<std::string> strings(std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = node(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(key, "must be an array of strings");
    for (const auto& e : *a) {
      if (!e.is_string()) throw config_error(at(e.source(), file_), dotted(key), "every element must be a string");
      out.push_back(*e.value<std::string>());
    }
    return out;
  }

  const toml::table* table(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(key, "must be a table ([" + dotted(key) + "])");
    return n->as_table();
  }

  void finish() const {
    for (const auto& [k, v] : t_)
      if (!used_.count(std::string(k.str())))
        throw config_error(at(k.source(), file_), dotted(k.str()), "unknown key (a typo? `xdpkit config check --help` lists the keys)");
  }

 private:
  const toml::table& t_;
  std::string path_;
  const std::string& file_;
  std::set<std::string> used_;
};

std::vector<unsigned> id_list(table_reader& r, std::string_view key, const std::string& text) {
  try {
    return topology::cpu_set::parse_list(text, r.dotted(key)).ids();
  } catch (const topology::parse_error& e) {
    r.fail(key, e.what());
  }
}

// "HOST:PORT" with a port 1-65535; `scheme` ("udp://") required when given.
void check_endpoint(table_reader& r, std::string_view key, const std::string& v, std::string_view scheme) {
  std::string_view rest(v);
  if (!scheme.empty()) {
    if (rest.substr(0, scheme.size()) != scheme) r.fail(key, xdpkit::quote(v) + " must start with " + std::string(scheme));
    rest.remove_prefix(scheme.size());
  }
  const auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0) r.fail(key, xdpkit::quote(v) + " is not HOST:PORT");
  const std::string_view port = rest.substr(colon + 1);
  unsigned p = 0;
  for (char c : port) p = c >= '0' && c <= '9' && p < 70000 ? p * 10 + static_cast<unsigned>(c - '0') : 70000;
  if (port.empty() || p == 0 || p > 65535) r.fail(key, xdpkit::quote(v) + ": the port must be 1-65535");
}

interface_config read_interface(const toml::table& t, std::size_t index, const std::string& file,
                                const std::filesystem::path& base_dir) {
  table_reader r(t, "interface[" + std::to_string(index) + "]", file);
  interface_config c;
  c.where = r.where();
  const auto name = r.string("name");
  if (!name) throw config_error(c.where, r.dotted("name"), "every [[interface]] needs a name");
  if (!is_valid_ifname(*name)) r.fail("name", xdpkit::quote(*name) + " cannot name an interface (" + std::string(ifname_rule) + ")");
  c.name = *name;
  c.program = r.string("program", {"steer", "firewall"}).value_or(c.program);
  for (const auto& f : r.strings("rules")) {
    const std::filesystem::path p(f);
    c.rules.push_back(p.is_absolute() || base_dir.empty() ? p : base_dir / p);
  }
  if (c.program == "firewall" && c.rules.empty()) r.fail("program", "program = \"firewall\" needs rules = [\"FILE\", ...]");
  if (c.program != "firewall" && !c.rules.empty()) r.fail("rules", "rules need program = \"firewall\"");
  // queues and cpus: a keyword ("all", "auto"), a list such as "0-3", or an array of numbers.
  const auto numbers = [&](std::string_view key, std::string_view keyword, const char* what)
      -> std::optional<std::vector<unsigned>> {
    const toml::node* n = r.node(key);
    if (!n) return std::nullopt;
    if (n->is_string()) {
      const std::string v = *n->value<std::string>();
      if (v == keyword) return std::nullopt;
      return id_list(r, key, v);
    }
    const toml::array* a = n->as_array();
    if (!a)
      r.fail(key, "must be \"" + std::string(keyword) + "\", a list such as \"0-3\", or an array of " + what + " numbers");
    std::vector<unsigned> ids;
    for (const auto& e : *a) {
      const auto v = e.value<std::int64_t>();
      if (!e.is_integer() || !v || *v < 0 || *v > 4095)
        throw config_error(at(e.source(), file), r.dotted(key), std::string(what) + " numbers are integers 0-4095");
      ids.push_back(static_cast<unsigned>(*v));
    }
    if (ids.empty()) r.fail(key, "an empty list names nothing; say \"" + std::string(keyword) + "\" or give the numbers");
    return ids;
  };
  if (const auto q = numbers("queues", "all", "queue")) c.queues = std::vector<std::uint32_t>(q->begin(), q->end());
  c.cpus = numbers("cpus", "auto", "CPU");
  if (c.cpus && c.queues && c.cpus->size() != c.queues->size())
    r.fail("cpus", std::to_string(c.cpus->size()) + " CPUs for " + std::to_string(c.queues->size()) +
                       " queues: give one per queue, or \"auto\"");
  c.handler = r.string("handler", {"rxdrop", "l2fwd"}).value_or(c.handler);
  c.xdp_mode = r.string("xdp_mode", {"auto", "native", "generic"}).value_or(c.xdp_mode);
  c.no_socket = r.string("no_socket", {"pass", "drop"}).value_or(c.no_socket);
  if (const toml::table* ports = r.table("ports")) {
    for (const auto& [slot, dev] : *ports) {
      unsigned s = 64;
      const std::string k(slot.str());
      if (!k.empty() && k.size() <= 2 && k.find_first_not_of("0123456789") == std::string::npos) s = std::stoul(k);
      if (s > 63) throw config_error(at(slot.source(), file), r.dotted("ports." + k), "a slot is 0-63");
      const auto v = dev.value<std::string>();
      if (!dev.is_string() || !v || !is_valid_ifname(*v))
        throw config_error(at(dev.source(), file), r.dotted("ports." + k), "must be an interface name");
      c.ports[s] = *v;
    }
    if (c.program != "firewall") r.fail("ports", "ports are where firewall redirect-dev rules send packets: they need program = \"firewall\"");
  }
  if (const toml::table* x = r.table("xsk")) {
    table_reader xr(*x, r.dotted("xsk"), file);
    c.xsk.bind = xr.string("bind", {"copy", "zero-copy", "auto"}).value_or(c.xsk.bind);
    if (auto f = xr.integer("frames", 64, 1 << 20)) {
      if (*f & (*f - 1)) xr.fail("frames", std::to_string(*f) + " is not a power of two");
      c.xsk.frames = static_cast<std::uint32_t>(*f);
    }
    if (auto b = xr.integer("batch", 1, 256)) c.xsk.batch = static_cast<std::uint32_t>(*b);
    c.xsk.wait = xr.string("wait", {"busy", "poll"}).value_or(c.xsk.wait);
    if (auto u = xr.integer("busy_poll_usec", 0, 1000000)) c.xsk.busy_poll_usec = static_cast<int>(*u);
    if (auto b = xr.integer("busy_poll_budget", 1, 65535)) c.xsk.busy_poll_budget = static_cast<int>(*b);
    if (auto p = xr.integer("fifo_priority", 0, 99)) c.xsk.fifo_priority = static_cast<int>(*p);
    c.xsk.multi_buffer = xr.boolean("multi_buffer").value_or(c.xsk.multi_buffer);
    xr.finish();
  }
  if (const toml::table* u = r.table("umem")) {
    table_reader ur(*u, r.dotted("umem"), file);
    c.umem.pages = ur.string("pages", {"huge", "huge-or-normal", "normal"}).value_or(c.umem.pages);
    c.umem.reserve = ur.boolean("reserve").value_or(c.umem.reserve);
    c.umem.shareable = ur.boolean("shareable").value_or(c.umem.shareable);
    ur.finish();
  }
  if (const toml::table* tt = r.table("tune")) {
    table_reader tr(*tt, r.dotted("tune"), file);
    tune_settings s;
    // Integers are accepted where `xdpkit tune` takes a bare count.
    if (const toml::node* ch = tr.node("channels")) {
      if (ch->is_integer()) s.channels = std::to_string(*ch->value<std::int64_t>());
      else if (ch->is_string()) s.channels = *ch->value<std::string>();
      else tr.fail("channels", "must be a count or \"rx=R,tx=T,combined=C\"");
    }
    s.rings = tr.string("rings");
    s.rss = tr.string("rss");
    s.rss_key = tr.string("rss_key");
    s.hash = tr.strings("hash");
    s.ntuple = tr.strings("ntuple");
    s.irq_affinity = tr.string("irq_affinity");
    s.rps = tr.string("rps");
    s.xps = tr.string("xps");
    s.busy_poll = tr.boolean("busy_poll").value_or(false);
    tr.finish();
    // Each value through the parser `xdpkit tune` uses, so a config that
    // checks clean is one `up` can tune with; errors at the key.
    const auto check = [&](std::string_view key, const auto& parse) {
      try {
        parse();
      } catch (const std::exception& e) {
        tr.fail(key, e.what());
      }
    };
    if (s.channels) check("channels", [&] { (void)ethtool::parse_channels_request(*s.channels); });
    if (s.rings) check("rings", [&] { (void)ethtool::parse_rings_request(*s.rings); });
    if (s.rss) check("rss", [&] { (void)ethtool::parse_rss_request(*s.rss); });
    if (s.rss_key) check("rss_key", [&] { (void)ethtool::parse_rss_key(*s.rss_key); });
    for (const auto& h : s.hash) check("hash", [&] { (void)ethtool::parse_hash_request(h); });
    for (const auto& n : s.ntuple) check("ntuple", [&] { (void)ethtool::parse_rule(n); });
    if (s.irq_affinity && *s.irq_affinity != "local")
      check("irq_affinity", [&] { (void)topology::cpu_set::parse_list(*s.irq_affinity, "irq_affinity"); });
    if (s.rps) check("rps", [&] { (void)topology::cpu_set::parse_list(*s.rps, "rps"); });
    if (s.xps) check("xps", [&] { (void)topology::cpu_set::parse_list(*s.xps, "xps"); });
    c.tune = s;
  }
  r.finish();
  return c;
}

// [sysctl]: TOML reads `net.core.busy_read = 50` as nested tables, which is
// how sysctl(8) spells the name; a quoted component holding a dot
// (net.ipv4.conf."eth0.100".rp_filter) switches the name to slashes, as
// sysctl(8) does.
void read_sysctls(const toml::table& t, const std::vector<std::string>& prefix, const std::string& file,
                  std::map<std::string, std::string>& out) {
  for (const auto& [k, v] : t) {
    std::vector<std::string> parts = prefix;
    parts.emplace_back(k.str());
    std::string dotted = "sysctl";
    for (const auto& p : parts) dotted += "." + p;
    if (const toml::table* sub = v.as_table()) {
      read_sysctls(*sub, parts, file, out);
      continue;
    }
    bool slashes = false;
    for (const auto& p : parts) slashes = slashes || p.find('.') != std::string::npos;
    std::string name;
    for (const auto& p : parts) name += (name.empty() ? "" : slashes ? "/" : ".") + p;
    try {
      (void)topology::sysctl_path(name);
    } catch (const std::invalid_argument& e) {
      throw config_error(at(k.source(), file), dotted, e.what());
    }
    std::string value;
    if (v.is_integer()) value = std::to_string(*v.value<std::int64_t>());
    else if (v.is_boolean()) value = *v.value<bool>() ? "1" : "0";
    else if (v.is_string()) value = *v.value<std::string>();
    else throw config_error(at(v.source(), file), dotted, "a sysctl's value is an integer, a string or true/false");
    if (value.empty() || value.find_first_of("\n\r") != std::string::npos || value.find('\0') != std::string::npos)
      throw config_error(at(v.source(), file), dotted, "a sysctl's value is one line, not empty");
    out[name] = value;
  }
}

}  // namespace

config_error::config_error(position where, std::string key, const std::string& what)
    : std::runtime_error(where_text(where) + ": " + (key.empty() ? "" : key + ": ") + what),
      where_(std::move(where)),
      key_(std::move(key)) {}

service_config parse_config(std::string_view text, const std::string& source, const std::filesystem::path& base_dir) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw config_error(at(e.source(), source), "", std::string(e.description()));
  }
  service_config out;
  out.source = source;
  table_reader r(root, "", source);
  const toml::node* ifs = r.node("interface");
  const toml::array* list = ifs ? ifs->as_array() : nullptr;
  if (!list || list->empty())
    throw config_error(ifs ? at(ifs->source(), source) : position{source, 1, 1}, "interface",
                       "at least one [[interface]] table is needed");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const toml::table* t = (*list)[i].as_table();
    if (!t) throw config_error(at((*list)[i].source(), source), "interface", "each interface is a [[interface]] table");
    interface_config c = read_interface(*t, i, source, base_dir);
    if (!names.insert(c.name).second)
      throw config_error(c.where, "interface[" + std::to_string(i) + "].name", xdpkit::quote(c.name) + " is configured twice");
    out.interfaces.push_back(std::move(c));
  }
  if (const toml::table* m = r.table("metrics")) {
    table_reader mr(*m, "metrics", source);
    out.metrics.prometheus_listen = mr.string("prometheus_listen");
    if (out.metrics.prometheus_listen) check_endpoint(mr, "prometheus_listen", *out.metrics.prometheus_listen, "");
    out.metrics.dogstatsd = mr.string("dogstatsd");
    if (out.metrics.dogstatsd) check_endpoint(mr, "dogstatsd", *out.metrics.dogstatsd, "udp://");
    if (auto n = mr.integer("max_rule_series", 0, 100000)) out.metrics.max_rule_series = static_cast<std::uint32_t>(*n);
    mr.finish();
  }
  if (const toml::table* p = r.table("process")) {
    table_reader pr(*p, "process", source);
    out.process.mlockall = pr.boolean("mlockall").value_or(false);
    out.process.cpuset = pr.boolean("cpuset").value_or(false);
    if (const toml::node* n = pr.node("control_cpu")) {
      if (n->is_integer()) {
        const auto v = *n->value<std::int64_t>();
        if (v < 0 || v > 4095) pr.fail("control_cpu", std::to_string(v) + " is outside 0-4095");
        out.process.control_cpu = static_cast<int>(v);
      } else {
        const auto w = pr.string("control_cpu", {"auto", "none"});
        out.process.control_cpu = *w == "auto" ? process_settings::kAuto : process_settings::kNone;
      }
    }
    pr.finish();
  }
  if (const toml::table* l = r.table("log")) {
    table_reader lr(*l, "log", source);
    out.log.level = lr.string("level", {"error", "warn", "info", "debug"}).value_or(out.log.level);
    out.log.target = lr.string("target", {"auto", "stderr", "journald"}).value_or(out.log.target);
    lr.finish();
  }
  if (const toml::table* sc = r.table("sysctl")) read_sysctls(*sc, {}, source, out.sysctl);
  r.finish();
  return out;
}

service_config load_config(const std::filesystem::path& file) {
  const std::string text = read_regular_file(file, "config file", read_options{1u << 20, true});
  return parse_config(text, file.string(), file.parent_path());
}

}  // namespace xdpkit::config
