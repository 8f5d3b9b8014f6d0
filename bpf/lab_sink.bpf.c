// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* lab_sink.bpf.c — the far end of a lab: counts every frame that arrives and
 * drops it. On veth it also gives the receiving end the NAPI context that
 * frames redirected into its peer (ndo_xdp_xmit) need to arrive at all. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpkit/bpf/lab_sink_abi.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpkit_lab_sink_stats);
} sink_stats SEC(".maps");

static __always_inline int sink(struct xdp_md *ctx, const int frags)
{
	__u32 zero = 0;
	struct xdpkit_lab_sink_stats *st = bpf_map_lookup_elem(&sink_stats, &zero);

	if (st) {
		st->packets++;
		st->bytes += frags ? bpf_xdp_get_buff_len(ctx) : ctx->data_end - ctx->data;
	}
	return XDP_DROP;
}

SEC("xdp")
int xdpkit_lab_sink(struct xdp_md *ctx)
{
	return sink(ctx, 0);
}

/* For a lab of jumbo frames: takes frames of several buffers, counts their whole length. */
SEC("xdp.frags")
int xdpkit_sink_mb(struct xdp_md *ctx)
{
	return sink(ctx, 1);
}

char LICENSE[] SEC("license") = "GPL";
