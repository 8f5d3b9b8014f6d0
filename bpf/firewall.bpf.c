// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* firewall.bpf.c — xdpkit's XDP firewall.
 *
 * Parse: Ethernet, up to two VLAN tags (802.1Q, 802.1ad), IPv4 (IHL and lengths
 * checked, non-first fragments carry no L4 header), IPv6 with a bounded chain
 * of extension headers (hop-by-hop, routing, fragment, destination options,
 * AH), then TCP, UDP, SCTP, ICMP, ICMPv6 headers checked for length. Anything
 * truncated or malformed gets its own reason and the DROP verdict.
 *
 * Match (the documented precedence): the packet's destination address picks
 * the rule group of the longest destination prefix that contains it (IPv4:
 * a direct table, see firewall_abi.h; IPv6: an LPM trie); the group's rules are tried in file order; then the group
 * of the next shorter containing prefix, up to XDPKIT_FW_MAX_NESTING groups.
 * A rule without a destination sits in the /0 group. The first rule whose
 * other conditions (family, protocol, source prefix, ports, VLAN) all hold
 * decides; none: the rule set's default action.
 *
 * Two rule sets (a and b) are loaded side by side; config.active says which one
 * is live, so a new set replaces the old with one write, and a packet sees
 * either the old set or the new one, never half of each.
 *
 * userspace/firewall/model/ is the same semantics written for clarity;
 * tests/bpf compares the two over millions of packets.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>

#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <xdpkit/bpf/firewall_abi.h>

/* Set by the loader before load. record_last makes the program write each
 * packet's outcome to `last` for the differential tests; production loads
 * leave it 0 and the verifier removes the store. */
const volatile __u32 record_last = 0;
/* What redirect-xsk does on a queue that has no socket: XDP_DROP or
 * XDP_PASS, as `run --no-socket` says (the steering program's rule too). */
const volatile __u32 no_socket_action = XDP_DROP;


#define RULE_ARRAY(name)                                              \
	struct {                                                      \
		__uint(type, BPF_MAP_TYPE_ARRAY);                     \
		__uint(max_entries, XDPKIT_FW_MAX_RULES);             \
		__type(key, __u32);                                   \
		__type(value, struct xdpkit_fw_rule);                 \
	} name SEC(".maps")
#define GROUP_ARRAY(name)                                             \
	struct {                                                      \
		__uint(type, BPF_MAP_TYPE_ARRAY);                     \
		__uint(max_entries, XDPKIT_FW_MAX_GROUPS);            \
		__type(key, __u32);                                   \
		__type(value, struct xdpkit_fw_group);                \
	} name SEC(".maps")
#define LPM(name, keytype)                                            \
	struct {                                                      \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);                  \
		__uint(max_entries, XDPKIT_FW_MAX_GROUPS);            \
		__uint(map_flags, BPF_F_NO_PREALLOC);                 \
		__type(key, struct keytype);                          \
		__type(value, __u32);                                 \
	} name SEC(".maps")

/* Mappable, so userspace writes a new table with one memcpy, not a syscall per
 * entry. A mappable array's elements are 8 bytes apart whatever the value size,
 * so each element holds two 4-byte entries: the mapping is then exactly the
 * flat __u32 array userspace builds, and entry k is half k & 1 of element k / 2. */
#define V4_TABLE(name, entries)                                       \
	struct {                                                      \
		__uint(type, BPF_MAP_TYPE_ARRAY);                     \
		__uint(max_entries, (entries) / 2);                   \
		__uint(map_flags, BPF_F_MMAPABLE);                    \
		__type(key, __u32);                                   \
		__type(value, __u64);                                 \
	} name SEC(".maps")

/* Entry k of a V4_TABLE; past its end 0, no prefix. */
#define V4_ENTRY(map, k)                                                  \
	({                                                                \
		__u32 k2_ = (k) >> 1;                                     \
		__u32 *e_ = bpf_map_lookup_elem(&(map), &k2_);            \
		e_ ? e_[(k) & 1] : 0;                                     \
	})

RULE_ARRAY(rules_a);
RULE_ARRAY(rules_b);
GROUP_ARRAY(groups_a);
GROUP_ARRAY(groups_b);
V4_TABLE(v4_top_a, XDPKIT_FW_V4_TOP_ENTRIES);
V4_TABLE(v4_top_b, XDPKIT_FW_V4_TOP_ENTRIES);
V4_TABLE(v4_chunks_a, XDPKIT_FW_V4_CHUNKS * XDPKIT_FW_V4_CHUNK_ENTRIES);
V4_TABLE(v4_chunks_b, XDPKIT_FW_V4_CHUNKS * XDPKIT_FW_V4_CHUNK_ENTRIES);
LPM(dst6_a, xdpkit_fw_lpm6);
LPM(dst6_b, xdpkit_fw_lpm6);

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpkit_fw_config);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpkit_fw_stats);
} fw_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPKIT_FW_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
} rule_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpkit_fw_last);
} last SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDPKIT_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} fw_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XDPKIT_FW_PORT_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} fw_ports SEC(".maps");

struct fw_pkt {
	__u32 src[4];
	__u32 dst[4];
	__u16 sport, dport;
	__u16 vlan;
	__u8 has_vlan;
	__u8 family;
	__u8 proto;
	__u8 has_ports;
};

#define PARSE_OK 0xff

/* Whole-word packet reads: the kernel allows unaligned packet access where the
 * CPU does (x86, arm64), and byte-by-byte reads with shifts (what clang emits
 * for a u8 pointer or a memcpy from one) made parsing about twice as long. */
static __always_inline __u16 rd16(const __u8 *p) { return bpf_ntohs(*(const __u16 *)p); }
static __always_inline __u32 rd32_raw(const __u8 *p) { return *(const __u32 *)p; } /* stays in network order */

static __always_inline int parse_l4(void *data, void *data_end, __u32 l4off, __u32 l4end, struct fw_pkt *pkt)
{
	__u8 *l4;

	if (l4off > XDPKIT_FW_MAX_L4_OFFSET)
		return XDPKIT_FW_R_BAD_L4;
	l4 = data + l4off;
	switch (pkt->proto) {
	case IPPROTO_TCP: {
		if ((void *)(l4 + 20) > data_end || l4off + 20 > l4end)
			return XDPKIT_FW_R_BAD_L4;
		__u32 doff = l4[12] >> 4;
		if (doff < 5 || l4off + doff * 4 > l4end)
			return XDPKIT_FW_R_BAD_L4;
		break;
	}
	case IPPROTO_UDP:
		if ((void *)(l4 + 8) > data_end || l4off + 8 > l4end)
			return XDPKIT_FW_R_BAD_L4;
		break;
	case IPPROTO_SCTP:
		if ((void *)(l4 + 12) > data_end || l4off + 12 > l4end)
			return XDPKIT_FW_R_BAD_L4;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* Only the matching family's ICMP is checked; ICMPv6 in IPv4 is just a protocol number. */
		if ((pkt->proto == IPPROTO_ICMP) == (pkt->family == 4) &&
		    ((void *)(l4 + 8) > data_end || l4off + 8 > l4end))
			return XDPKIT_FW_R_BAD_L4;
		return PARSE_OK;
	default:
		return PARSE_OK;
	}
	pkt->sport = rd16(l4);
	pkt->dport = rd16(l4 + 2);
	pkt->has_ports = 1;
	return PARSE_OK;
}

/* `len`: the whole frame's length (with xdp.frags, beyond data_end); the
 * headers themselves must be in the first buffer, data .. data_end. */
static __always_inline int parse_ipv4(void *data, void *data_end, __u32 len, __u32 off, struct fw_pkt *pkt)
{
	__u8 *ip = data + off;

	if ((void *)(ip + 20) > data_end)
		return XDPKIT_FW_R_BAD_IPV4;
	if ((ip[0] >> 4) != 4)
		return XDPKIT_FW_R_BAD_IPV4;
	__u32 hl = (ip[0] & 0xf) * 4;
	if (hl < 20)
		return XDPKIT_FW_R_BAD_IPV4;
	__u32 tot = rd16(ip + 2);
	if (tot < hl || off + tot > len)
		return XDPKIT_FW_R_BAD_IPV4;
	pkt->family = 4;
	pkt->proto = ip[9];
	pkt->src[0] = rd32_raw(ip + 12);
	pkt->dst[0] = rd32_raw(ip + 16);
	if (rd16(ip + 6) & 0x1fff) /* fragment offset: not the first fragment */
		return PARSE_OK;
	return parse_l4(data, data_end, off + hl, off + tot, pkt);
}

static __always_inline int parse_ipv6(void *data, void *data_end, __u32 len, __u32 off, struct fw_pkt *pkt)
{
	__u8 *ip = data + off;

	if ((void *)(ip + 40) > data_end)
		return XDPKIT_FW_R_BAD_IPV6;
	if ((ip[0] >> 4) != 6)
		return XDPKIT_FW_R_BAD_IPV6;
	__u32 end = off + 40 + rd16(ip + 4);
	if (end > len)
		return XDPKIT_FW_R_BAD_IPV6;
	pkt->family = 6;
	for (int w = 0; w < 4; w++) {
		pkt->src[w] = rd32_raw(ip + 8 + 4 * w);
		pkt->dst[w] = rd32_raw(ip + 24 + 4 * w);
	}
	__u8 nh = ip[6];
	__u32 cur = off + 40;
	int i;

#pragma unroll
	for (i = 0; i < XDPKIT_FW_MAX_IPV6_EXT; i++) {
		if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 51)
			break;
		if (cur > XDPKIT_FW_MAX_L4_OFFSET)
			return XDPKIT_FW_R_BAD_IPV6_EXT;
		__u8 *h = data + cur;
		if (nh == 44) {
			if ((void *)(h + 8) > data_end || cur + 8 > end)
				return XDPKIT_FW_R_BAD_IPV6_EXT;
			nh = h[0];
			cur += 8;
			if (rd16(h + 2) >> 3) { /* not the first fragment: no header follows */
				pkt->proto = nh;
				return PARSE_OK;
			}
			continue;
		}
		if ((void *)(h + 2) > data_end || cur + 2 > end)
			return XDPKIT_FW_R_BAD_IPV6_EXT;
		__u32 hlen = nh == 51 ? ((__u32)h[1] + 2) * 4 : ((__u32)h[1] + 1) * 8;
		nh = h[0];
		cur += hlen;
		if (cur > end)
			return XDPKIT_FW_R_BAD_IPV6_EXT;
	}
	if (nh == 0 || nh == 43 || nh == 44 || nh == 60 || nh == 51)
		return XDPKIT_FW_R_BAD_IPV6_EXT; /* chain longer than we walk */
	pkt->proto = nh;
	return parse_l4(data, data_end, cur, end, pkt);
}

/* Returns PARSE_OK, XDPKIT_FW_R_NOT_IP, or the malformation reason. */
static __always_inline int parse(struct xdp_md *ctx, struct fw_pkt *pkt, const int frags)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	const __u32 len = frags ? bpf_xdp_get_buff_len(ctx) : data_end - data;
	__u8 *eth = data;
	__u32 off = 14;

	if ((void *)(eth + 14) > data_end)
		return XDPKIT_FW_R_SHORT_ETH;
	__u16 proto = rd16(eth + 12);
	int i;

#pragma unroll
	for (i = 0; i < 3; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if (i == 2)
			return XDPKIT_FW_R_BAD_VLAN; /* a third tag */
		__u8 *tag = data + off;
		if ((void *)(tag + 4) > data_end)
			return XDPKIT_FW_R_BAD_VLAN;
		if (i == 0) {
			pkt->vlan = rd16(tag) & 0x0fff;
			pkt->has_vlan = 1;
		}
		proto = rd16(tag + 2);
		off += 4;
	}
	if (proto == ETH_P_IP)
		return parse_ipv4(data, data_end, len, off, pkt);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(data, data_end, len, off, pkt);
	return XDPKIT_FW_R_NOT_IP;
}

static __always_inline int prefix_match(const struct xdpkit_fw_rule *r, const struct fw_pkt *pkt)
{
	__u32 len = r->src_len;
	int w;

	if (!len)
		return 1;
	for (w = 0; w < 4; w++) {
		if (len == 0)
			return 1;
		__u32 bits = len >= 32 ? 32 : len;
		__u32 mask = bpf_htonl(bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits));
		if ((pkt->src[w] & mask) != r->src[w])
			return 0;
		len -= bits;
	}
	return 1;
}

static __always_inline int rule_matches(const struct xdpkit_fw_rule *r, const struct fw_pkt *pkt)
{
	if (r->family && r->family != pkt->family)
		return 0;
	if (r->proto && r->proto != pkt->proto)
		return 0;
	if (r->match_vlan && (!pkt->has_vlan || pkt->vlan != r->vlan))
		return 0;
	if (r->has_ports) {
		if (!pkt->has_ports)
			return 0;
		if (pkt->sport < r->sport_lo || pkt->sport > r->sport_hi)
			return 0;
		if (pkt->dport < r->dport_lo || pkt->dport > r->dport_hi)
			return 0;
	}
	return prefix_match(r, pkt);
}

struct scan_ctx {
	const struct fw_pkt *pkt;
	const struct xdpkit_fw_group *group;
	__u32 first; /* rules before this index were already checked inline */
	__u32 found; /* rule index + 1, 0 = none yet */
};

struct walk_ctx {
	const struct fw_pkt *pkt;
	__u32 gid;   /* group to scan next */
	__u32 found; /* rule index + 1, 0 = none yet */
};

/* How many rules of a group are checked inline before a bpf_loop takes over.
 * bpf_loop keeps the verifier's work small for long groups and deep nesting,
 * but each callback is a call; most groups hold a rule or two. Measured with
 * tools/bench/firewall-prog-run: a rule hit cost ~90 ns over XDP_DROP with
 * bpf_loop alone. */
#define INLINE_RULES 2

/* Everything that touches a rule set's maps exists once per set (a and b), so
 * each lookup names one map and the JIT can inline the array lookups; a
 * lookup through "set ? &x_b : &x_a" is a helper call. */
#define DEFINE_RULE_SET(S)                                                              \
	static long scan_rule_##S(__u32 i, void *arg)                                   \
	{                                                                               \
		struct scan_ctx *c = arg;                                               \
		__u32 idx;                                                              \
		if (i >= XDPKIT_FW_GROUP_RULES)                                         \
			return 1;                                                       \
		if (i < c->first)                                                       \
			return 0;                                                       \
		/* clang drops the mask it can prove redundant and then reorders the  \
		 * check above away from the access; the barrier keeps the mask, and  \
		 * the mask (32 is a power of two) keeps the verifier sure. */          \
		barrier_var(i);                                                         \
		idx = c->group->rule[i & (XDPKIT_FW_GROUP_RULES - 1)];                  \
		const struct xdpkit_fw_rule *r = bpf_map_lookup_elem(&rules_##S, &idx); \
		if (!r)                                                                 \
			return 1;                                                       \
		if (rule_matches(r, c->pkt)) {                                          \
			c->found = idx + 1;                                             \
			return 1;                                                       \
		}                                                                       \
		return 0;                                                               \
	}                                                                               \
                                                                                        \
	/* First matching rule of one group, or NULL. */                              \
	static __always_inline const struct xdpkit_fw_rule *scan_##S(                  \
		const struct xdpkit_fw_group *g, const struct fw_pkt *pkt)              \
	{                                                                               \
		__u32 n = g->count < XDPKIT_FW_GROUP_RULES ? g->count : XDPKIT_FW_GROUP_RULES; \
		for (__u32 i = 0; i < INLINE_RULES; i++) {                              \
			if (i >= n)                                                     \
				return 0;                                               \
			__u32 idx = g->rule[i];                                         \
			const struct xdpkit_fw_rule *r = bpf_map_lookup_elem(&rules_##S, &idx); \
			if (!r)                                                         \
				return 0;                                               \
			if (rule_matches(r, pkt))                                       \
				return r;                                               \
		}                                                                       \
		if (n <= INLINE_RULES)                                                  \
			return 0;                                                       \
		struct scan_ctx c = {.pkt = pkt, .group = g, .first = INLINE_RULES, .found = 0}; \
		/* bpf_loop counts from 0; scan_rule skips the inline ones by index. */ \
		bpf_loop(n, scan_rule_##S, &c, 0);                                      \
		if (!c.found)                                                           \
			return 0;                                                       \
		__u32 idx = c.found - 1;                                                \
		return bpf_map_lookup_elem(&rules_##S, &idx);                           \
	}                                                                               \
                                                                                        \
	static long scan_group_##S(__u32 i, void *arg)                                  \
	{                                                                               \
		struct walk_ctx *w = arg;                                               \
		__u32 gid = w->gid;                                                     \
		(void)i;                                                                \
		if (gid == XDPKIT_FW_NO_GROUP)                                          \
			return 1;                                                       \
		const struct xdpkit_fw_group *g = bpf_map_lookup_elem(&groups_##S, &gid); \
		if (!g)                                                                 \
			return 1;                                                       \
		__u32 n = g->count < XDPKIT_FW_GROUP_RULES ? g->count : XDPKIT_FW_GROUP_RULES; \
		struct scan_ctx c = {.pkt = w->pkt, .group = g, .first = 0, .found = 0}; \
		bpf_loop(n, scan_rule_##S, &c, 0);                                      \
		if (c.found) {                                                          \
			w->found = c.found;                                             \
			return 1;                                                       \
		}                                                                       \
		w->gid = g->parent;                                                     \
		return 0;                                                               \
	}                                                                               \
                                                                                        \
	/* The group of the longest IPv4 prefix holding dst (host order), or           \
	 * XDPKIT_FW_NO_GROUP: the direct table of firewall_abi.h, three array reads at most. */\
	static __always_inline __u32 v4_group_##S(__u32 dst)                           \
	{                                                                               \
		__u32 v = V4_ENTRY(v4_top_##S, dst >> 16);                              \
		if (v & XDPKIT_FW_V4_CHUNK) {                                           \
			__u32 k = (v & ~XDPKIT_FW_V4_CHUNK) * XDPKIT_FW_V4_CHUNK_ENTRIES + ((dst >> 8) & 0xff); \
			v = V4_ENTRY(v4_chunks_##S, k);                                 \
			if (v & XDPKIT_FW_V4_CHUNK) {                                   \
				k = (v & ~XDPKIT_FW_V4_CHUNK) * XDPKIT_FW_V4_CHUNK_ENTRIES + (dst & 0xff); \
				v = V4_ENTRY(v4_chunks_##S, k);                         \
			}                                                               \
		}                                                                       \
		return v ? v - 1 : XDPKIT_FW_NO_GROUP;                                  \
	}                                                                               \
                                                                                        \
	/* The first matching rule, or NULL. The longest prefix's group is scanned   \
	 * inline; its parents, rarely needed, through bpf_loop. */                  \
	static __always_inline const struct xdpkit_fw_rule *classify_##S(const struct fw_pkt *pkt) \
	{                                                                               \
		__u32 gid;                                                              \
		if (pkt->family == 4) {                                                 \
			gid = v4_group_##S(bpf_ntohl(pkt->dst[0]));                     \
		} else {                                                                \
			struct xdpkit_fw_lpm6 k = {.prefixlen = 128};                   \
			__builtin_memcpy(k.addr, pkt->dst, 16);                         \
			__u32 *gp = bpf_map_lookup_elem(&dst6_##S, &k);                 \
			gid = gp ? *gp : XDPKIT_FW_NO_GROUP;                            \
		}                                                                       \
		if (gid == XDPKIT_FW_NO_GROUP)                                          \
			return 0;                                                       \
		const struct xdpkit_fw_group *g = bpf_map_lookup_elem(&groups_##S, &gid); \
		if (!g)                                                                 \
			return 0;                                                       \
		const struct xdpkit_fw_rule *r = scan_##S(g, pkt);                      \
		if (r || g->parent == XDPKIT_FW_NO_GROUP)                               \
			return r;                                                       \
		struct walk_ctx w = {.pkt = pkt, .gid = g->parent, .found = 0};         \
		bpf_loop(XDPKIT_FW_MAX_NESTING - 1, scan_group_##S, &w, 0);             \
		if (!w.found)                                                           \
			return 0;                                                       \
		__u32 idx = w.found - 1;                                                \
		return bpf_map_lookup_elem(&rules_##S, &idx);                           \
	}

DEFINE_RULE_SET(a)
DEFINE_RULE_SET(b)

static __always_inline void swap_macs(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *p = data, tmp[6];

	if ((void *)(p + 12) > data_end)
		return;
	__builtin_memcpy(tmp, p, 6);
	__builtin_memcpy(p, p + 6, 6);
	__builtin_memcpy(p + 6, tmp, 6);
}

static __always_inline int firewall(struct xdp_md *ctx, const int frags)
{
	__u32 zero = 0;
	struct xdpkit_fw_stats *st = bpf_map_lookup_elem(&fw_stats, &zero);
	struct xdpkit_fw_config *cfg = bpf_map_lookup_elem(&config, &zero);
	struct fw_pkt pkt = {};
	__u32 reason, action, rule_id = 0xffffffffu, redirect_slot = 0;
	__u32 set = 0;
	long xdp;

	if (!st || !cfg)
		return XDP_ABORTED;
	set = cfg->active & 1;
	int parsed = parse(ctx, &pkt, frags);
	if (parsed == PARSE_OK) {
		const struct xdpkit_fw_rule *r = set ? classify_b(&pkt) : classify_a(&pkt);
		if (r) {
			reason = XDPKIT_FW_R_RULE;
			action = r->action;
			rule_id = r->id;
			redirect_slot = r->redirect_ifindex_slot;
		} else {
			reason = XDPKIT_FW_R_DEFAULT;
			action = set ? cfg->default_action[1] : cfg->default_action[0];
			redirect_slot = set ? cfg->default_slot[1] : cfg->default_slot[0];
		}
	} else if (parsed == XDPKIT_FW_R_NOT_IP) {
		reason = XDPKIT_FW_R_NOT_IP;
		action = set ? cfg->not_ip_action[1] : cfg->not_ip_action[0];
		redirect_slot = set ? cfg->not_ip_slot[1] : cfg->not_ip_slot[0];
	} else {
		reason = parsed;
		action = XDPKIT_FW_DROP;
	}

	switch (action) {
	case XDPKIT_FW_PASS:
		xdp = XDP_PASS;
		break;
	case XDPKIT_FW_TX:
		swap_macs(ctx);
		xdp = XDP_TX;
		break;
	case XDPKIT_FW_REDIRECT_XSK:
		xdp = bpf_redirect_map(&fw_xsks, ctx->rx_queue_index, 0);
		if (xdp != XDP_REDIRECT) {
			xdp = no_socket_action == XDP_PASS ? XDP_PASS : XDP_DROP;
			reason = XDPKIT_FW_R_NO_SOCKET;
		}
		break;
	case XDPKIT_FW_REDIRECT_DEV:
		xdp = bpf_redirect_map(&fw_ports, redirect_slot, 0);
		break;
	default:
		xdp = XDP_DROP;
	}
	if (action == XDPKIT_FW_REDIRECT_DEV && xdp != XDP_REDIRECT) {
		xdp = XDP_DROP;
		reason = XDPKIT_FW_R_REDIRECT_FAILED;
	}

	st->rx++;
	if (xdp >= 0 && xdp < 5)
		st->verdict[xdp]++;
	if (reason < XDPKIT_FW_NR_REASONS)
		st->reason[reason]++;
	if (action < XDPKIT_FW_NR_ACTIONS)
		st->action[action]++;
	if (rule_id < XDPKIT_FW_MAX_RULES) {
		__u64 *hits = bpf_map_lookup_elem(&rule_hits, &rule_id);
		if (hits)
			(*hits)++;
	}
	if (record_last) {
		struct xdpkit_fw_last *l = bpf_map_lookup_elem(&last, &zero);
		if (l) {
			l->action = xdp;
			l->reason = reason;
			l->rule_id = rule_id;
		}
	}
	return xdp;
}

SEC("xdp")
int xdpkit_firewall(struct xdp_md *ctx)
{
	return firewall(ctx, 0);
}

/* Multi-buffer (MTUs over one page): the headers are parsed in the first
 * buffer (ctx->data .. data_end), and the verdict is the whole frame's. */
SEC("xdp.frags")
int xdpkit_fw_mb(struct xdp_md *ctx)
{
	return firewall(ctx, 1);
}

char LICENSE[] SEC("license") = "GPL";
