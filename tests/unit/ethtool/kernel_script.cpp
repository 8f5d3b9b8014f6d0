// SPDX-License-Identifier: Apache-2.0
#include "kernel_script.hpp"

#include <cstring>

namespace xdpkit::ethtool::testing {

void expect_strings(scripted_transport& io, std::uint32_t set, const std::vector<std::string>& names,
                    const std::string& ifname) {
  auto info = zeroed<ethtool_sset_info>();
  info.cmd = ETHTOOL_GSSET_INFO;
  info.sset_mask = std::uint64_t{1} << set;
  io.expect_ioctl(ifname, with_tail(info, std::vector<std::uint32_t>{0}),
                  with_tail(info, std::vector<std::uint32_t>{static_cast<std::uint32_t>(names.size())}));
  auto gs = zeroed<ethtool_gstrings>();
  gs.cmd = ETHTOOL_GSTRINGS;
  gs.string_set = set;
  gs.len = static_cast<std::uint32_t>(names.size());
  bytes req = to_bytes(gs);
  req.resize(req.size() + names.size() * ETH_GSTRING_LEN);
  bytes rep = req;
  for (std::size_t i = 0; i < names.size(); ++i)
    std::memcpy(rep.data() + sizeof gs + i * ETH_GSTRING_LEN, names[i].data(), names[i].size());
  io.expect_ioctl(ifname, req, rep);
}

void expect_gfeatures(scripted_transport& io, ethtool_get_features_block b0, ethtool_get_features_block b1,
                      const std::string& ifname) {
  auto g = zeroed<ethtool_gfeatures>();
  g.cmd = ETHTOOL_GFEATURES;
  g.size = 2;
  io.expect_ioctl(ifname, with_tail(g, std::vector<ethtool_get_features_block>(2, ethtool_get_features_block{})),
                  with_tail(g, std::vector<ethtool_get_features_block>{b0, b1}));
}

void expect_gchannels(scripted_transport& io, const ethtool_channels& reply, const std::string& ifname) {
  auto req = zeroed<ethtool_channels>();
  req.cmd = ETHTOOL_GCHANNELS;
  auto rep = reply;
  rep.cmd = ETHTOOL_GCHANNELS;
  io.expect(ifname, req, rep);
}

void expect_schannels(scripted_transport& io, ethtool_channels want, int rc, const std::string& ifname) {
  want.cmd = ETHTOOL_SCHANNELS;
  if (rc < 0)
    io.expect_fail(ifname, want, -rc);
  else
    io.expect(ifname, want, want, rc);
}

void expect_get_rss(scripted_transport& io, std::uint32_t rings, const std::vector<std::uint32_t>& table,
                    const std::string& ifname) {
  auto rr = zeroed<ethtool_rxnfc>();
  rr.cmd = ETHTOOL_GRXRINGS;
  auto rr_rep = rr;
  rr_rep.data = rings;
  io.expect(ifname, rr, rr_rep);
  auto size = zeroed<ethtool_rxfh>();
  size.cmd = ETHTOOL_GRSSH;
  auto size_rep = size;
  size_rep.indir_size = static_cast<std::uint32_t>(table.size());
  io.expect(ifname, size, size_rep);
  io.expect_ioctl(ifname, with_tail(size_rep, std::vector<std::uint32_t>(table.size(), 0)), with_tail(size_rep, table));
}

}  // namespace xdpkit::ethtool::testing
