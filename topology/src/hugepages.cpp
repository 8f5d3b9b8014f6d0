// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/topology/hugepages.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <limits>
#include <thread>
#include <utility>

#include "text.hpp"
#include "xdpkit/topology/error.hpp"

namespace xdpkit::topology {

namespace {

std::optional<std::uint64_t> size_of_dir(std::string_view name) {
  // "hugepages-2048kB"
  if (!text::starts_with(name, "hugepages-") || name.size() < 13 || name.substr(name.size() - 2) != "kB")
    return std::nullopt;
  return text::to_u64(name.substr(10, name.size() - 12));
}

std::uint64_t read_count(const host_root& root, const std::string& path) {
  auto line = root.try_read_line(path);
  if (!line) return 0;
  auto v = text::to_u64(*line);
  if (!v) throw parse_error("huge page count", path, text::quote(*line) + " is not a count");
  return *v;
}

void read_pools_in(const host_root& root, const std::string& dir, int node, std::vector<hugepage_pool>& out) {
  std::vector<hugepage_pool> found;
  for (const auto& name : root.list(dir)) {
    auto kb = size_of_dir(name);
    if (!kb) continue;
    const std::string d = dir + "/" + name;
    hugepage_pool p;
    p.node = node;
    p.page_size_kb = *kb;
    p.total = read_count(root, d + "/nr_hugepages");
    p.free = read_count(root, d + "/free_hugepages");
    p.surplus = read_count(root, d + "/surplus_hugepages");
    if (node < 0 && root.exists(d + "/resv_hugepages")) p.reserved = read_count(root, d + "/resv_hugepages");
    found.push_back(p);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.page_size_kb < b.page_size_kb; });
  out.insert(out.end(), found.begin(), found.end());
}


}  // namespace

std::vector<hugepage_pool> read_hugepage_pools(const host_root& root) {
  std::vector<hugepage_pool> pools;
  read_pools_in(root, "/sys/kernel/mm/hugepages", -1, pools);
  std::vector<unsigned> nodes;
  for (const auto& name : root.list("/sys/devices/system/node"))
    if (text::starts_with(name, "node"))
      if (auto id = text::to_uint(std::string_view(name).substr(4)); id && *id < (1u << 16)) nodes.push_back(*id);
  std::sort(nodes.begin(), nodes.end());
  for (unsigned n : nodes)
    read_pools_in(root, "/sys/devices/system/node/node" + std::to_string(n) + "/hugepages", static_cast<int>(n), pools);
  return pools;
}

std::optional<hugepage_pool> find_pool(const std::vector<hugepage_pool>& pools, int node, std::uint64_t page_size_kb) {
  for (const auto& p : pools)
    if (p.node == node && p.page_size_kb == page_size_kb) return p;
  return std::nullopt;
}

std::vector<buddy_zone> parse_buddyinfo(std::string_view input, std::string_view source) {
  std::vector<buddy_zone> out;
  for (auto line : text::lines(input)) {
    auto tok = text::split_ws(line);
    if (tok.empty()) continue;
    auto bad = [&](std::string_view why) {
      return parse_error("buddyinfo line", source, text::quote(line) + ": " + std::string(why));
    };
    // "Node 0, zone   Normal    570    390 ..."
    if (tok.size() < 4 || tok[0] != "Node" || tok[1].empty() || tok[1].back() != ',' || tok[2] != "zone")
      throw bad("expected 'Node <n>, zone <name> <counts>'");
    auto node = text::to_int(tok[1].substr(0, tok[1].size() - 1));
    if (!node || *node < 0) throw bad("bad node");
    buddy_zone z;
    z.node = *node;
    z.zone = std::string(tok[3]);
    for (std::size_t i = 4; i < tok.size(); ++i) {
      auto v = text::to_u64(tok[i]);
      if (!v) throw bad("count " + text::quote(tok[i]) + " is not a number");
      z.free_blocks.push_back(*v);
    }
    if (z.free_blocks.size() > 64) throw bad("more than 64 orders");
    out.push_back(std::move(z));
  }
  return out;
}

std::vector<buddy_zone> read_buddyinfo(const host_root& root) {
  return parse_buddyinfo(root.read("/proc/buddyinfo"), "/proc/buddyinfo");
}

std::uint64_t hugepages_available(const std::vector<buddy_zone>& zones, int node, std::uint64_t page_size_kb,
                                  std::uint64_t base_page_kb) {
  if (base_page_kb == 0 || page_size_kb < base_page_kb || page_size_kb % base_page_kb) return 0;
  std::uint64_t ratio = page_size_kb / base_page_kb;
  if (!std::has_single_bit(ratio)) return 0;
  const unsigned order = static_cast<unsigned>(std::countr_zero(ratio));
  std::uint64_t total = 0;
  const auto max = std::numeric_limits<std::uint64_t>::max();
  for (const auto& z : zones) {
    if (z.node != node) continue;
    for (std::size_t o = order; o < z.free_blocks.size(); ++o) {
      unsigned shift = static_cast<unsigned>(o - order);
      std::uint64_t per = shift >= 63 ? max : (std::uint64_t{1} << shift);
      std::uint64_t n = z.free_blocks[o];
      std::uint64_t add = (n && per > max / n) ? max : n * per;
      total = add > max - total ? max : total + add;
    }
  }
  return total;
}

hugepage_reservation::hugepage_reservation(host_root root, std::string path, unsigned node, std::uint64_t size_kb,
                                           std::uint64_t old_total, std::uint64_t new_total) noexcept
    : root_(std::move(root)),
      path_(std::move(path)),
      node_(node),
      page_size_kb_(size_kb),
      old_total_(old_total),
      new_total_(new_total),
      active_(true) {}

std::string hugepage_pool_path(unsigned node, std::uint64_t size_kb) {
  return "/sys/devices/system/node/node" + std::to_string(node) + "/hugepages/hugepages-" +
         std::to_string(size_kb) + "kB/nr_hugepages";
}

void wait_for_free_hugepages(const host_root& root, unsigned node, std::uint64_t size_kb, std::uint64_t pages) {
  const std::string path = "/sys/devices/system/node/node" + std::to_string(node) + "/hugepages/hugepages-" +
                           std::to_string(size_kb) + "kB/free_hugepages";
  for (int i = 0; i < 100; ++i) {
    const auto line = root.try_read_line(path);
    const auto free = line ? text::to_u64(text::trim(*line)) : std::nullopt;
    if (!free || *free >= pages) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

hugepage_reservation hugepage_reservation::reserve(const host_root& root, unsigned node, std::uint64_t page_size_kb,
                                                   std::uint64_t pages) {
  const std::string path = hugepage_pool_path(node, page_size_kb);
  auto line = root.try_read_line(path);
  if (!line)
    throw os_error(ENOENT, "read", root.resolve(path).string(),
                   "no pool of " + std::to_string(page_size_kb) + " kB pages on node " + std::to_string(node) +
                       "; check the node id and the page size (ls /sys/kernel/mm/hugepages)");
  auto old = text::to_u64(*line);
  if (!old) throw parse_error("huge page count", path, text::quote(*line) + " is not a count");
  if (pages > std::numeric_limits<std::uint64_t>::max() - *old)
    throw os_error(EOVERFLOW, "reserve huge pages in", root.resolve(path).string(), "page count overflows");
  const std::uint64_t want = *old + pages;
  // From here the pool may have changed: the owner exists before the write so
  // that any throw below puts the old value back.
  hugepage_reservation r(root, path, node, page_size_kb, *old, want);
  root.write(path, std::to_string(want));
  auto got_line = root.read(path);
  auto got = text::to_u64(text::trim(got_line));
  if (!got) throw parse_error("huge page count", path, text::quote(got_line) + " is not a count");
  r.new_total_ = *got;
  if (*got < want) {
    std::string hint = "the kernel found " + std::to_string(*got - std::min(*got, *old)) + " of " +
                       std::to_string(pages) + " free contiguous " + std::to_string(page_size_kb) +
                       " kB blocks on node " + std::to_string(node);
    try {
      auto zones = read_buddyinfo(root);
      hint += " (buddyinfo now shows " + std::to_string(hugepages_available(zones, static_cast<int>(node), page_size_kb)) +
              " more)";
    } catch (const std::exception&) {
    }
    hint += "; free memory, run 'echo 1 > /proc/sys/vm/compact_memory', or reserve at boot with hugepagesz=/hugepages=";
    r.restore();
    throw os_error(ENOMEM, "reserve " + std::to_string(pages) + " huge pages in", root.resolve(path).string(), hint);
  }
  return r;
}

hugepage_reservation::hugepage_reservation(hugepage_reservation&& o) noexcept
    : root_(std::move(o.root_)),
      path_(std::move(o.path_)),
      node_(o.node_),
      page_size_kb_(o.page_size_kb_),
      old_total_(o.old_total_),
      new_total_(o.new_total_),
      active_(std::exchange(o.active_, false)) {}

hugepage_reservation& hugepage_reservation::operator=(hugepage_reservation&& o) noexcept {
  if (this != &o) {
    try {
      restore();
    } catch (...) {
    }
    root_ = std::move(o.root_);
    path_ = std::move(o.path_);
    node_ = o.node_;
    page_size_kb_ = o.page_size_kb_;
    old_total_ = o.old_total_;
    new_total_ = o.new_total_;
    active_ = std::exchange(o.active_, false);
  }
  return *this;
}

hugepage_reservation::~hugepage_reservation() {
  try {
    restore();
  } catch (...) {
  }
}

void hugepage_reservation::restore() {
  if (!active_) return;
  if (new_total_ > old_total_) wait_for_free_hugepages(root_, node_, page_size_kb_, new_total_ - old_total_);
  root_.write(path_, std::to_string(old_total_));
  active_ = false;
}

}  // namespace xdpkit::topology
