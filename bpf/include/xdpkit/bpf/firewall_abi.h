// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* firewall_abi.h — what crosses the BPF/userspace line for bpf/firewall.bpf.c, and nothing else.
 *
 * Included by the BPF program (clang -target bpf) and by C++, which checks the
 * size and offsets of every struct here, and so does the BPF compiler: the
 * asserts at the end run in both. Only fixed-width types: the two compilers
 * must agree on every byte.
 */
#ifndef XDPKIT_BPF_FIREWALL_ABI_H
#define XDPKIT_BPF_FIREWALL_ABI_H

#include <linux/types.h>

#include "xdpkit/bpf/abi_check.h"
#include "xdpkit/bpf/limits.h"

/* Bounds the program and the loader agree on. */
#define XDPKIT_FW_MAX_RULES 16384      /* per rule set */
#define XDPKIT_FW_MAX_GROUPS 16384     /* distinct destination prefixes per rule set */
#define XDPKIT_FW_GROUP_RULES 32       /* rules sharing one destination prefix */
#define XDPKIT_FW_MAX_NESTING 16       /* containing prefixes tried, longest first */
#define XDPKIT_FW_MAX_IPV6_EXT 6       /* extension headers walked before giving up */
#define XDPKIT_FW_MAX_L4_OFFSET 2048   /* L4 header must start within this many bytes */
#define XDPKIT_FW_NO_GROUP 0xffffffffu
#define XDPKIT_FW_PORT_SLOTS 64        /* redirect-dev slots (the devmap's entries) */
/* `redirect-dev peer`: the slot `xdpkit forward` fills with the other
 * interface of the pair (on A's program B, on B's program A). */
#define XDPKIT_FW_PEER_SLOT 63

enum xdpkit_fw_action {
	XDPKIT_FW_PASS = 0,
	XDPKIT_FW_DROP = 1,
	XDPKIT_FW_TX = 2,           /* MAC swap, back out the receiving port */
	XDPKIT_FW_REDIRECT_XSK = 3, /* to the AF_XDP socket of the receiving queue */
	XDPKIT_FW_REDIRECT_DEV = 4, /* to another interface through the devmap */
	XDPKIT_FW_NR_ACTIONS = 5,
};

/* Why a packet got its verdict. Exactly one reason per packet. */
enum xdpkit_fw_reason {
	XDPKIT_FW_R_RULE = 0,          /* a rule matched */
	XDPKIT_FW_R_DEFAULT = 1,       /* IP packet, no rule matched */
	XDPKIT_FW_R_NOT_IP = 2,        /* neither IPv4 nor IPv6: the non-IP action */
	XDPKIT_FW_R_SHORT_ETH = 3,     /* shorter than an Ethernet header */
	XDPKIT_FW_R_BAD_VLAN = 4,      /* VLAN tag truncated, or more than two tags */
	XDPKIT_FW_R_BAD_IPV4 = 5,      /* truncated, version != 4, IHL < 5, lengths that don't fit */
	XDPKIT_FW_R_BAD_IPV6 = 6,      /* truncated, version != 6, payload longer than the frame */
	XDPKIT_FW_R_BAD_IPV6_EXT = 7,  /* extension header truncated or chain too long */
	XDPKIT_FW_R_BAD_L4 = 8,        /* TCP/UDP/SCTP/ICMP header truncated or TCP offset bad */
	XDPKIT_FW_R_REDIRECT_FAILED = 9, /* the redirect-dev slot held no device: dropped */
	XDPKIT_FW_R_NO_SOCKET = 10,    /* redirect-xsk on a queue with no socket: the --no-socket action */
	XDPKIT_FW_NR_REASONS = 11,
};

/* The index of each XDP action in xdpkit_fw_stats.verdict: the action's own
 * value (enum xdp_action), named so that no reader counts by position. */
enum xdpkit_fw_verdict {
	XDPKIT_FW_V_ABORTED = 0,  /* XDP_ABORTED */
	XDPKIT_FW_V_DROP = 1,     /* XDP_DROP */
	XDPKIT_FW_V_PASS = 2,     /* XDP_PASS */
	XDPKIT_FW_V_TX = 3,       /* XDP_TX */
	XDPKIT_FW_V_REDIRECT = 4, /* XDP_REDIRECT */
	XDPKIT_FW_NR_VERDICTS = 5,
};

/* Per-CPU firewall counters (one slot). Every packet the program sees is
 * counted once in rx, once in verdict[] (enum xdpkit_fw_verdict), once in
 * reason[] and once in action[]: the action its rule (or the default, or the
 * non-IP action) chose, before a redirect that found no socket or no device
 * fell back. So action[REDIRECT_DEV] - reason[REDIRECT_FAILED] went out of a
 * port, and action[REDIRECT_XSK] - reason[NO_SOCKET] went to a socket, which
 * verdict[] alone (one XDP_REDIRECT for both) cannot tell apart. */
struct xdpkit_fw_stats {
	__u64 rx;
	__u64 verdict[XDPKIT_FW_NR_VERDICTS];
	__u64 reason[XDPKIT_FW_NR_REASONS];
	__u64 action[XDPKIT_FW_NR_ACTIONS];
};

/* The last packet's outcome on each CPU (a per-CPU array of one), for tests
 * that check one packet's path. */
struct xdpkit_fw_last {
	__u32 action;  /* the XDP action returned */
	__u32 reason;  /* enum xdpkit_fw_reason */
	__u32 rule_id; /* index in the rule file; 0xffffffff: no rule */
};

/* One rule. Fields are in network byte order where they come from the
 * packet (addresses), host order otherwise. family 0 = any IP version. */
struct xdpkit_fw_rule {
	__u8 family;      /* 0 any, 4, 6 */
	__u8 proto;       /* IPPROTO_*, 0 = any */
	__u8 src_len;     /* source prefix length; 0 = any source */
	__u8 action;      /* enum xdpkit_fw_action */
	__u32 src[4];     /* source prefix (IPv4 in src[0]), already masked */
	__u16 sport_lo, sport_hi; /* inclusive; 0..65535 = any */
	__u16 dport_lo, dport_hi;
	__u16 vlan;       /* outermost VLAN id to match */
	__u8 match_vlan;  /* 0: any VLAN or none; 1: outermost tag == vlan */
	__u8 has_ports;   /* 1: a port condition exists (non-first fragments never match) */
	__u32 redirect_ifindex_slot; /* devmap slot for REDIRECT_DEV */
	__u32 id;         /* index in the rule file, for hit counts */
};

/* The rules sharing one destination prefix, in file order, and the group of
 * the next shorter prefix that contains it (XDPKIT_FW_NO_GROUP at the top). */
struct xdpkit_fw_group {
	__u32 count;
	__u32 parent;
	__u32 rule[XDPKIT_FW_GROUP_RULES];
};

/* IPv4 destinations go through a direct table rather than an LPM trie (the trie
 * walk was the largest cost of a rule hit): top[dst >> 16], and where longer
 * prefixes exist under that /16, a 256-entry chunk indexed by the next 8 bits,
 * and under a /24 with longer prefixes another chunk for the last 8 (DIR-16-8-8,
 * every prefix expanded into the entries it covers). An entry is 0 (no
 * prefix), group + 1, or XDPKIT_FW_V4_CHUNK | chunk number. Three array
 * lookups at most, whatever the number of rules. userspace/firewall builds it;
 * IPv6 keeps the LPM trie (128-bit addresses don't expand into tables). */
#define XDPKIT_FW_V4_TOP_ENTRIES 65536
#define XDPKIT_FW_V4_CHUNK_ENTRIES 256
#define XDPKIT_FW_V4_CHUNKS 16384 /* per rule set: 16 MiB */
#define XDPKIT_FW_V4_CHUNK 0x80000000u

/* IPv6 LPM trie key: prefixlen in bits, then the address. */
struct xdpkit_fw_lpm6 {
	__u32 prefixlen;
	__u32 addr[4];
};

/* Rule-set configuration, slot 0 of the config map. The program reads
 * `active` once per packet: writing it switches every map at once. */
struct xdpkit_fw_config {
	__u32 active;          /* 0 or 1: which rule set is live */
	__u32 default_action[2];  /* per set: no rule matched */
	__u32 not_ip_action[2];   /* per set: ARP, LLDP, ... */
	__u32 default_slot[2];    /* per set: the devmap slot when default_action is REDIRECT_DEV */
	__u32 not_ip_slot[2];     /* the same for not_ip_action */
};

/* Size and offsets, checked by both compilers (abi_check.h). */
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fw_stats) == 176);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_stats, rx) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_stats, verdict) == 8);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_stats, reason) == 48);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_stats, action) == 136);
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fw_last) == 12);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_last, action) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_last, reason) == 4);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_last, rule_id) == 8);
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fw_rule) == 40);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, family) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, proto) == 1);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, src_len) == 2);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, action) == 3);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, src) == 4);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, sport_lo) == 20);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, sport_hi) == 22);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, dport_lo) == 24);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, dport_hi) == 26);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, vlan) == 28);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, match_vlan) == 30);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, has_ports) == 31);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, redirect_ifindex_slot) == 32);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_rule, id) == 36);
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fw_group) == 8 + 4 * XDPKIT_FW_GROUP_RULES);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_group, count) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_group, parent) == 4);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_group, rule) == 8);
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fw_lpm6) == 20);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_lpm6, prefixlen) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_lpm6, addr) == 4);
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fw_config) == 36);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_config, active) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_config, default_action) == 4);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_config, not_ip_action) == 12);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_config, default_slot) == 20);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fw_config, not_ip_slot) == 28);

#endif /* XDPKIT_BPF_FIREWALL_ABI_H */
