// SPDX-License-Identifier: Apache-2.0
#include "xdpkit/service/journaled_tune.hpp"

#include <cerrno>

#include "xdpkit/base/os_error.hpp"
#include "xdpkit/ethtool/device.hpp"
#include "xdpkit/ethtool/info.hpp"
#include "xdpkit/ethtool/journal.hpp"

namespace xdpkit::service {

std::filesystem::path service_journal_dir(const std::filesystem::path& run_dir) { return run_dir / "up"; }

struct journaled_tune::state {
  state(std::shared_ptr<ethtool::transport> io, const std::string& ifname, const topology::host_root& r,
        ethtool::journal j)
      : nic(std::move(io)), dev(*nic, ifname), root(r), log(std::move(j)) {}
  std::shared_ptr<ethtool::transport> nic;
  ethtool::device dev;
  topology::host_root root;
  ethtool::journal log;
  std::vector<ethtool::step_report> replayed, applied;
  bool reverted = false;
  ethtool::tune_context context() const { return {dev, root}; }
};

journaled_tune journaled_tune::start(const std::string& ifname, const ethtool::tune_request& req,
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
  auto s = std::make_unique<state>(nic, ifname, root, ethtool::journal::open(dir, ifname));
  if (s->log.size()) {
    s->replayed = ethtool::revert(s->context(), s->log);
    s->log = ethtool::journal::open(dir, ifname);  // the replay removed the file and let go of its lock
  }
  if (!req.empty()) s->applied = ethtool::tune(s->context(), req, s->log);
  if (!s->log.size()) {
    // Nothing to hold: no file stays to be mistaken for a dead service's.
    s->log.remove();
    s->reverted = true;
  }
  return journaled_tune(std::move(s));
}

journaled_tune::journaled_tune(std::unique_ptr<state> s) noexcept : s_(std::move(s)) {}
journaled_tune::journaled_tune(journaled_tune&&) noexcept = default;
journaled_tune& journaled_tune::operator=(journaled_tune&&) noexcept = default;

journaled_tune::~journaled_tune() {
  if (!s_ || s_->reverted) return;
  try {
    (void)revert();
  } catch (const std::exception&) {
    // The journal keeps what could not be undone, for `xdpkit clean` or the next start.
  }
}

std::vector<ethtool::step_report> journaled_tune::revert() {
  if (s_->reverted) return {};
  auto done = ethtool::revert(s_->context(), s_->log);  // removes the file once empty
  s_->reverted = true;
  return done;
}

const std::string& journaled_tune::ifname() const noexcept { return s_->dev.name(); }
const std::filesystem::path& journaled_tune::journal_path() const noexcept { return s_->log.path(); }
std::size_t journaled_tune::entries() const noexcept { return s_->reverted ? 0 : s_->log.size(); }
const std::vector<ethtool::step_report>& journaled_tune::replayed() const noexcept { return s_->replayed; }
const std::vector<ethtool::step_report>& journaled_tune::applied() const noexcept { return s_->applied; }

}  // namespace xdpkit::service
