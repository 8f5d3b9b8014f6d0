// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* forward.bpf.c — the XDP path of `xdpkit forward`: every frame that arrives
 * on one interface leaves by another, unchanged, and never reaches userspace.
 *
 * One copy of the program per direction. Its egress is the one slot of a
 * devmap, filled by the loader with the other interface's ifindex; when the
 * two are the same interface the loader sets xmit_back and the frame goes
 * back out with XDP_TX instead (a devmap redirect to oneself costs more).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpkit/bpf/forward_abi.h>

/* Set by the loader between open and load (the skeleton's .rodata). */
const volatile __u32 xmit_back = 0;
/* The egress's ifindex, for the frames that come between the attach and the
 * loader's filling of the devmap slot (the maps exist only once the program
 * is loaded, and libxdp loads and attaches in one call): they go by a plain
 * bpf_redirect, so the first frame is forwarded too. */
const volatile __u32 egress_ifindex = 0;

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fwd_egress SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpkit_fwd_stats);
} fwd_stats SEC(".maps");

/* `frags`: the xdp.frags variant (MTUs over one page), counting whole frames. */
static __always_inline int forward(struct xdp_md *ctx, const int frags)
{
	__u32 zero = 0;
	struct xdpkit_fwd_stats *st = bpf_map_lookup_elem(&fwd_stats, &zero);
	long action;

	if (xmit_back)
		action = XDP_TX;
	else /* an empty slot returns the flags' action (XDP_ABORTED): only before the loader filled it */
		action = bpf_redirect_map(&fwd_egress, 0, 0);
	if (action != XDP_REDIRECT && action != XDP_TX && egress_ifindex)
		action = bpf_redirect(egress_ifindex, 0);
	if (!st) /* cannot happen for a one-slot array; the verifier wants the check */
		return action == XDP_REDIRECT || action == XDP_TX ? action : XDP_DROP;
	st->rx_packets++;
	st->rx_bytes += frags ? bpf_xdp_get_buff_len(ctx) : ctx->data_end - ctx->data;
	if (action == XDP_REDIRECT || action == XDP_TX) {
		st->forwarded++;
		return action;
	}
	st->failed++;
	return XDP_DROP;
}

SEC("xdp")
int xdpkit_forward(struct xdp_md *ctx)
{
	return forward(ctx, 0);
}

SEC("xdp.frags")
int xdpkit_fwd_mb(struct xdp_md *ctx)
{
	return forward(ctx, 1);
}

char LICENSE[] SEC("license") = "GPL";
