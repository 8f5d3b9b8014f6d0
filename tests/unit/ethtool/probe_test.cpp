// SPDX-License-Identifier: Apache-2.0
// probe of a scripted ice NIC (every ethtool answer scripted) on the captured
// two-socket host (tests/fixtures/two-socket-ht: the NIC on node 1, 16 MSI-X
// queue vectors): what the JSON says and the lines of the table.
#include <gtest/gtest.h>
#include <linux/ethtool.h>

#include <cstring>

#include "kernel_script.hpp"
#include "nlattr.hpp"
#include "scripted_transport.hpp"
#include "xdpkit/ethtool/probe.hpp"
#include "xdpkit/ethtool/rule.hpp"

namespace xdpkit::ethtool {
namespace {

using testing::bytes;
using testing::scripted_transport;
using testing::with_tail;
using testing::zeroed;

const std::string kIf = "eth2";

void script_ice(scripted_transport& io, const flow_rule& rule) {
  auto drv = zeroed<ethtool_drvinfo>();
  drv.cmd = ETHTOOL_GDRVINFO;
  auto drv_rep = drv;
  std::strcpy(drv_rep.driver, "ice");
  std::strcpy(drv_rep.version, "6.1.0");
  std::strcpy(drv_rep.fw_version, "4.20");
  std::strcpy(drv_rep.bus_info, "0000:81:00.0");
  io.expect(kIf, drv, drv_rep);

  auto ch = zeroed<ethtool_channels>();
  ch.max_combined = 64;
  ch.combined_count = 16;
  ch.max_other = 1;
  ch.other_count = 1;
  testing::expect_gchannels(io, ch, kIf);

  auto rg = zeroed<ethtool_ringparam>();
  rg.cmd = ETHTOOL_GRINGPARAM;
  auto rg_rep = rg;
  rg_rep.rx_max_pending = rg_rep.tx_max_pending = 8160;
  rg_rep.rx_pending = rg_rep.tx_pending = 2048;
  io.expect(kIf, rg, rg_rep);

  auto rr = zeroed<ethtool_rxnfc>();
  rr.cmd = ETHTOOL_GRXRINGS;
  auto rr_rep = rr;
  rr_rep.data = 16;
  io.expect(kIf, rr, rr_rep);
  auto sz = zeroed<ethtool_rxfh>();
  sz.cmd = ETHTOOL_GRSSH;
  auto sz_rep = sz;
  sz_rep.indir_size = 8;
  sz_rep.key_size = 4;
  sz_rep.hfunc = 1;
  io.expect(kIf, sz, sz_rep);
  auto data_req = sz;
  data_req.indir_size = 8;
  data_req.key_size = 4;
  bytes req = with_tail(data_req, std::vector<std::uint32_t>(9, 0));  // 8 entries + 4 key bytes
  bytes rep = with_tail(sz_rep, std::vector<std::uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 0x44332211});
  io.expect_ioctl(kIf, req, rep);

  // Hash fields, in hash_flow_names() order; sctp6 is not reported.
  const std::pair<std::uint32_t, std::uint64_t> flows[] = {
      {TCP_V4_FLOW, RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3},
      {UDP_V4_FLOW, RXH_IP_SRC | RXH_IP_DST}, {AH_ESP_V4_FLOW, RXH_IP_SRC | RXH_IP_DST},
      {AH_ESP_V4_FLOW, RXH_IP_SRC | RXH_IP_DST}, {SCTP_V4_FLOW, RXH_IP_SRC | RXH_IP_DST},
      {TCP_V6_FLOW, RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3},
      {UDP_V6_FLOW, RXH_IP_SRC | RXH_IP_DST}, {AH_ESP_V6_FLOW, RXH_IP_SRC | RXH_IP_DST},
      {AH_ESP_V6_FLOW, RXH_IP_SRC | RXH_IP_DST}, {SCTP_V6_FLOW, 0}};
  for (const auto& [type, fields] : flows) {
    auto h = zeroed<ethtool_rxnfc>();
    h.cmd = ETHTOOL_GRXFH;
    h.flow_type = type;
    if (type == SCTP_V6_FLOW) {
      io.expect_fail(kIf, h, EOPNOTSUPP);
      continue;
    }
    auto hr = h;
    hr.data = fields;
    io.expect(kIf, h, hr);
  }

  auto cnt = zeroed<ethtool_rxnfc>();
  cnt.cmd = ETHTOOL_GRXCLSRLCNT;
  auto cnt_rep = cnt;
  cnt_rep.rule_cnt = 1;
  cnt_rep.data = 128;
  io.expect(kIf, cnt, cnt_rep);
  io.expect(kIf, cnt, cnt_rep);
  auto all = zeroed<ethtool_rxnfc>();
  all.cmd = ETHTOOL_GRXCLSRLALL;
  all.rule_cnt = 1;
  auto all_rep = all;
  all_rep.data = 128;
  io.expect_ioctl(kIf, with_tail(all, std::vector<std::uint32_t>{0}), with_tail(all_rep, std::vector<std::uint32_t>{127}));
  auto get = zeroed<ethtool_rxnfc>();
  get.cmd = ETHTOOL_GRXCLSRULE;
  get.fs.location = 127;
  auto get_rep = get;
  get_rep.fs = rule.fs;
  get_rep.fs.location = 127;
  io.expect(kIf, get, get_rep);

  std::vector<std::string> names;
  for (int i = 0; i < 32; ++i) names.push_back("f" + std::to_string(i));
  names.push_back("rx-ntuple-filter");
  testing::expect_strings(io, ETH_SS_FEATURES, names, kIf);
  testing::expect_gfeatures(io, {1, 1, 1, 0}, {1, 1, 1, 0}, kIf);

  io.set_ifindex(kIf, 5);
  io.expect_genl(genl_request{"netdev", 1, 1, false, detail::nlattr_writer{}.u32(1, 5).take()},
                 {detail::nlattr_writer{}.u32(1, 5).u64(3, 0x2f).u32(4, 1).take()});
}

TEST(Probe, ScriptedIceNicOnNodeOne) {
  scripted_transport io;
  const flow_rule rule = parse_rule("flow-type udp4 dst-port 4789 action 3");
  script_ice(io, rule);
  probe_options opt;
  opt.root = topology::host_root(std::string(XDPKIT_FIXTURES_DIR) + "/two-socket-ht/root");
  const auto r = probe(device(io, kIf), opt);
  ASSERT_TRUE(io.finished());

  EXPECT_EQ(r["driver"]["bus"], "0000:81:00.0");
  EXPECT_EQ(r["channels"]["current"]["combined"], 16);
  EXPECT_EQ(r["rings"]["max"]["rx"], 8160);
  EXPECT_EQ(r["rss"]["table_size"], 8);
  EXPECT_EQ(r["rss"]["key"], "11:22:33:44");
  EXPECT_TRUE(r["rss"]["default_spread"]);
  EXPECT_EQ(r["hash_fields"]["flows"]["tcp4"], "sdfn");
  EXPECT_TRUE(r["hash_fields"]["flows"]["sctp6"].is_null());
  EXPECT_EQ(r["ntuple"]["list"][0], "flow-type udp4 dst-port 4789 action 3 loc 127");
  EXPECT_EQ(r["features"]["list"]["rx-ntuple-filter"], "on");
  EXPECT_EQ(r["xdp"]["modes"], nlohmann::ordered_json::parse(R"(["generic","native"])"));
  EXPECT_TRUE(r["xdp"]["zero_copy"]);
  EXPECT_EQ(r["queues"]["numa_node"], 1);
  EXPECT_EQ(r["queues"]["irqs"].size(), 17u);
  EXPECT_EQ(r["queues"]["irqs"][1]["direction"], "rx+tx");

  const std::string t = format_probe(r);
  for (const char* line : {
           "driver        ice 6.1.0 (bus 0000:81:00.0, firmware 4.20)\n",
           "device        pci 0000:81:00.0\n",
           "numa node     1 (local cpus 4-7,12-15)\n",
           "channels      rx -, tx -, other 1/1, combined 16/64 (current/max)\n",
           "rings         rx 2048/8160, rx_mini -, rx_jumbo -, tx 2048/8160 (current/max)\n",
           "rss           8 entries over 16 rx rings, key 4 bytes, hash toeplitz, default spread\n",
           "rss table     0 1 2 3 4 5 6 7\n",
           "rss key       11:22:33:44\n",
           "hash fields   tcp4=sdfn udp4=sd ah4=sd esp4=sd sctp4=sd tcp6=sdfn udp6=sd ah6=sd esp6=sd sctp6=n/a\n",
           "ntuple        1 rules, table 128 entries\n",
           "              flow-type udp4 dst-port 4789 action 3 loc 127\n",
       })
    EXPECT_NE(t.find(line), std::string::npos) << "missing: " << line << "in:\n" << t;
  EXPECT_NE(t.find("irq           121 ice-eth2-TxRx-0 -> rx+tx 0, affinity"), std::string::npos) << t;
  EXPECT_EQ(format_probe(r), t) << "the table is a pure function of the report";
}

}  // namespace
}  // namespace xdpkit::ethtool
