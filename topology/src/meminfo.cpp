// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/meminfo.hpp"

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

std::optional<std::uint64_t> meminfo::get(std::string_view key) const {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

meminfo parse_meminfo(std::string_view input, std::string_view source) {
  meminfo m;
  for (std::string_view line : text::lines(input)) {
    if (text::trim(line).empty()) continue;
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      throw parse_error("meminfo line", source, text::quote(line) + " has no ':'");
    std::string_view key = text::trim(line.substr(0, colon));
    // Node files: "Node 0 MemTotal:       4418036 kB".
    if (text::starts_with(key, "Node ")) {
      auto parts = text::split_ws(key);
      auto id = parts.size() == 3 ? text::to_int(parts[1]) : std::nullopt;
      if (!id) throw parse_error("meminfo line", source, text::quote(line) + " has a bad 'Node N' prefix");
      if (m.node && *m.node != *id)
        throw parse_error("meminfo", source, "lines name nodes " + std::to_string(*m.node) + " and " + std::to_string(*id));
      m.node = *id;
      key = parts[2];
    }
    auto fields = text::split_ws(line.substr(colon + 1));
    if (key.empty() || fields.empty() || fields.size() > 2 || (fields.size() == 2 && fields[1] != "kB"))
      throw parse_error("meminfo line", source, text::quote(line) + " is not 'key: value [kB]'");
    auto v = text::to_u64(fields[0]);
    if (!v) throw parse_error("meminfo line", source, text::quote(line) + " has no decimal value");
    m.values.insert_or_assign(std::string(key), *v);
  }
  return m;
}

meminfo read_meminfo(const host_root& root) { return parse_meminfo(root.read("/proc/meminfo"), "/proc/meminfo"); }

meminfo read_node_meminfo(const host_root& root, unsigned node) {
  const std::string path = "/sys/devices/system/node/node" + std::to_string(node) + "/meminfo";
  return parse_meminfo(root.read(path), path);
}

}  // namespace xdpkit::topology
