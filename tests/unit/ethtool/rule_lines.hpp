// SPDX-License-Identifier: Apache-2.0
// Real `ethtool -N` command lines and the canonical text format_rule gives
// for each; shared by the round-trip test and the ethtool(8) oracle test.
#pragma once

namespace xdpkit::ethtool::testing {

struct line {
  const char* input;
  const char* canonical;  // nullptr: same as input
};

// From ethtool(8), driver READMEs and operators' runbooks.
inline const line kLines[] = {
    {"flow-type udp4 dst-port 53 action 2", nullptr},
    {"flow-type tcp4 src-ip 192.168.10.1 dst-ip 192.168.10.2 src-port 2000 dst-port 2001 action 2 loc 33", nullptr},
    {"flow-type ether dst 00:11:22:33:44:55 proto 0x0800 action -1", nullptr},
    {"flow-type ether src 00:AA:bb:cc:dd:ee action 0", "flow-type ether src 00:aa:bb:cc:dd:ee action 0"},
    {"flow-type ip4 src-ip 10.0.0.0 m 0.0.0.255 l4proto 17 action 3", nullptr},
    {"flow-type udp4 src-ip 10.23.0.7 m 255.255.0.0 action 1", "flow-type udp4 src-ip 0.0.0.7 m 255.255.0.0 action 1"},
    {"flow-type tcp6 src-ip 2001:db8::1 dst-port 443 action 1", nullptr},
    {"flow-type ip6 dst-ip fe80::1 m ::ffff:ffff:ffff:ffff l4proto 58 action 0",
     "flow-type ip6 dst-ip fe80:: m ::ffff:ffff:ffff:ffff l4proto 58 action 0"},
    {"flow-type tcp4 vlan 0x0064 m 0xf000 dst-port 80 action 4",
     "flow-type tcp4 dst-port 80 vlan 0x0064 m 0xf000 action 4"},
    {"flow-type udp4 dst-mac 00:11:22:33:44:55 action 5 context 1", nullptr},
    {"flow-type esp4 spi 4096 action -1", nullptr},
    {"flow-type ah6 dst-ip 2001:db8::5 spi 7 tclass 16 action 2", "flow-type ah6 dst-ip 2001:db8::5 tclass 16 spi 7 action 2"},
    {"flow-type sctp4 dst-port 9899 vf 1 queue 3", nullptr},
    {"flow-type tcp4 user-def 0x8beaf action 2", nullptr},
    {"flow-type udp4 src-port 1234 m 0xff dst-port 5678 action 7",
     "flow-type udp4 src-port 1024 m 0x00ff dst-port 5678 action 7"},
    {"flow-type ip4 tos 4 action 1", nullptr},
    {"flow-type udp4 action 0x10", "flow-type udp4 action 16"},
    {"flow-type udp4 dst-ip 10.0.0.1 m 255.255.255.255 dst-port 53 action 2", "flow-type udp4 dst-port 53 action 2"},
    {"flow-type tcp4 dst-port 22 action -2", nullptr},
    {"flow-type udp6 src-ip ::ffff:10.0.0.1 src-port 5000 action 6 loc 0", nullptr},
    {"flow-type ip4 l4data 0xdeadbeef m 0xffff l4proto 6 action 9",
     "flow-type ip4 l4proto 6 l4data 0xdead0000 m 0x0000ffff action 9"},
};

}  // namespace xdpkit::ethtool::testing
