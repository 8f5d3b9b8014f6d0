// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/host_changes.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/ethtool/info.hpp"
#include "xdpkit/ethtool/journal.hpp"
#include "xdpkit/topology/hugepages.hpp"

namespace xdpkit::service {

using json = nlohmann::json;

std::filesystem::path service_journal_dir(const std::filesystem::path& run_dir) { return run_dir / "up"; }

namespace {

// The journal's kind for a grown huge-page pool; every other kind is ethtool's.
constexpr const char* kPoolStep = "hugepages";

std::string pool_label(unsigned node, std::uint64_t size_kb) {
  return fmt::format("hugepages node {} {}kB", node, size_kb);
}

std::uint64_t read_pool_size(const topology::host_root& root, const std::string& path) {
  const std::string text = root.read(path);
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  while (end > text.data() && (end[-1] == '\n' || end[-1] == ' ')) --end;
  const auto [at, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || at != end || at == text.data())
    throw_os_error(EPROTO, "read", root.resolve(path).string(), "\"" + text + "\" is not a page count");
  return v;
}

// Gives back what one pool line grew, from the pool's size now.
ethtool::step_report undo_pool_line(const topology::host_root& root, const json& e) {
  const auto node = e.at("node").get<unsigned>();
  const auto size_kb = e.at("page_size_kb").get<std::uint64_t>();
  const auto old_n = e.at("old").at("nr_hugepages").get<std::uint64_t>();
  const auto new_n = e.at("new").at("nr_hugepages").get<std::uint64_t>();
  const std::string label = pool_label(node, size_kb);
  const std::string path = topology::hugepage_pool_path(node, size_kb);
  const std::uint64_t grown = new_n > old_n ? new_n - old_n : 0;
  const std::uint64_t now = read_pool_size(root, path);
  if (grown == 0 || now == old_n) return {label, fmt::format("was never grown (it has {} pages)", now), false};
  if (now < grown)
    return {label,
            fmt::format("left at {} pages: fewer than the {} this service added, someone shrank it since", now, grown),
            false};
  topology::wait_for_free_hugepages(root, node, size_kb, grown);  // a closed UMEM's pages come back a moment late
  root.write(path, std::to_string(now - grown));
  return {label, fmt::format("gave back {} pages: {} -> {}", grown, now, now - grown), true};
}

// Undoes the newest line, a pool line, and drops it.
void undo_last_pool_line(const topology::host_root& root, ethtool::journal& log,
                         std::vector<ethtool::step_report>& done) {
  const json e = log.entries().back();
  try {
    done.push_back(undo_pool_line(root, e));
  } catch (const json::exception& ex) {
    throw ethtool::tune_error("revert " + std::string(kPoolStep),
                              log.path().string() + ":" + std::to_string(log.line_of(log.size() - 1)) +
                                  ": the journal line is not a pool xdpkit can give back (" + ex.what() + ")",
                              0, 0, {});
  } catch (const std::exception& ex) {
    throw ethtool::tune_error("revert " + e.value("label", std::string(kPoolStep)), ex.what(), 0, 0, {});
  }
  log.truncate(log.size() - 1);
}
}  // namespace

bool is_pool_line(const json& e) { return e.value("step", "") == kPoolStep; }

json pool_line(unsigned node, std::uint64_t page_size_kb, std::uint64_t old_total, std::uint64_t new_total) {
  return json{{"step", kPoolStep},
              {"label", pool_label(node, page_size_kb)},
              {"node", node},
              {"page_size_kb", page_size_kb},
              {"old", {{"nr_hugepages", old_total}}},
              {"new", {{"nr_hugepages", new_total}}}};
}

std::vector<ethtool::step_report> revert_host_journal(const ethtool::tune_context& ctx, ethtool::journal& log) {
  std::vector<ethtool::step_report> done;
  while (log.size() > 0) {
    // The NIC's lines newer than the newest pool line go back in one ethtool
    // run (it orders channels and RSS tables among themselves).
    std::size_t k = log.size();
    while (k > 0 && !is_pool_line(log.entries()[k - 1])) --k;
    if (k < log.size()) {
      auto nic = ethtool::revert(ctx, log, k);
      done.insert(done.end(), nic.begin(), nic.end());
    } else {
      undo_last_pool_line(ctx.root, log, done);
    }
  }
  log.remove();
  return done;
}

std::vector<ethtool::step_report> give_back_pools(const topology::host_root& root, ethtool::journal& log) {
  std::vector<ethtool::step_report> done;
  while (log.size() > 0 && is_pool_line(log.entries().back())) undo_last_pool_line(root, log, done);
  if (log.size() == 0) log.remove();
  return done;
}

struct host_changes::state {
  state(std::shared_ptr<ethtool::transport> io, const std::string& ifname, const topology::host_root& r,
        std::filesystem::path d, ethtool::journal j)
      : nic(std::move(io)), dev(*nic, ifname), root(r), dir(std::move(d)), log(std::move(j)) {}
  std::shared_ptr<ethtool::transport> nic;
  ethtool::device dev;
  topology::host_root root;
  std::filesystem::path dir;
  ethtool::journal log;
  std::vector<ethtool::step_report> replayed, applied;
  bool reverted = false;
  ethtool::tune_context context() const { return {dev, root}; }
};

host_changes host_changes::start(const std::string& ifname, const ethtool::tune_request& req,
                                     const std::filesystem::path& run_dir, const topology::host_root& root,
                                     std::shared_ptr<ethtool::transport> nic) {
  if (!req.empty() && ethtool::journal::exists(run_dir, ifname))
    throw_os_error(EBUSY, "tune " + ifname + " for the service", ethtool::journal::path_for(run_dir, ifname).string(),
                   "`xdpkit tune` changed this interface and has not been reverted; the service would journal the "
                   "values it set as the old ones. Run `xdpkit revert " + ifname +
                       "` first, or drop [interface.tune] from the config");
  if (!nic) nic = ethtool::make_kernel_transport();
  {
    const ethtool::device probe(*nic, ifname);
    (void)ethtool::get_driver_info(probe);  // a missing interface is named before a journal is made
  }
  const auto dir = service_journal_dir(run_dir);
  auto s = std::make_unique<state>(nic, ifname, root, dir, ethtool::journal::open(dir, ifname));
  if (s->log.size()) {
    s->replayed = revert_host_journal(s->context(), s->log);
    s->log = ethtool::journal::open(dir, ifname);  // the replay removed the file and let go of its lock
  }
  if (!req.empty()) s->applied = ethtool::tune(s->context(), req, s->log);
  if (!s->log.size()) {
    // Nothing to hold: no file stays to be mistaken for a dead service's.
    s->log.remove();
    s->reverted = true;
  }
  return host_changes(std::move(s));
}

host_changes::host_changes(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
host_changes::host_changes(host_changes&&) noexcept = default;
host_changes& host_changes::operator=(host_changes&&) noexcept = default;

host_changes::~host_changes() {
  if (!s_ || s_->reverted) return;
  try {
    (void)revert();
  } catch (const std::exception&) {
    // The journal keeps what could not be undone, for `xdpkit clean` or the next start.
  }
}

ethtool::step_report host_changes::reserve_hugepages(unsigned node, std::uint64_t page_size_kb, std::uint64_t pages) {
  const std::string path = topology::hugepage_pool_path(node, page_size_kb);
  const std::uint64_t before = read_pool_size(s_->root, path);
  if (s_->reverted) {
    // The tune left nothing to hold, so the file went: this is its first line.
    s_->log = ethtool::journal::open(s_->dir, s_->dev.name());
    s_->reverted = false;
  }
  s_->log.append(pool_line(node, page_size_kb, before, before + pages));
  try {
    auto grown = topology::hugepage_reservation::reserve(s_->root, node, page_size_kb, pages);
    grown.release();  // the journal owns it now
  } catch (...) {
    // reserve() put the old size back: the line has nothing to undo.
    s_->log.truncate(s_->log.size() - 1);
    if (!s_->log.size()) {
      s_->log.remove();
      s_->reverted = true;
    }
    throw;
  }
  auto report = ethtool::step_report{pool_label(node, page_size_kb),
                                     fmt::format("grown by {} pages: {} -> {}", pages, before, before + pages), true};
  s_->applied.push_back(report);
  return report;
}

std::vector<ethtool::step_report> host_changes::revert() {
  if (s_->reverted) return {};
  auto done = revert_host_journal(s_->context(), s_->log);  // removes the file once empty
  s_->reverted = true;
  return done;
}

const std::string& host_changes::ifname() const noexcept { return s_->dev.name(); }
const std::filesystem::path& host_changes::journal_path() const noexcept { return s_->log.path(); }
std::size_t host_changes::entries() const noexcept { return s_->reverted ? 0 : s_->log.size(); }
const std::vector<ethtool::step_report>& host_changes::replayed() const noexcept { return s_->replayed; }
const std::vector<ethtool::step_report>& host_changes::applied() const noexcept { return s_->applied; }

}  // namespace xdpkit::service
