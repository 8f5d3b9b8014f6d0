// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* forward.bpf.c — the XDP path of `xdpkit forward`: every frame that arrives
 * on one interface leaves by another, unchanged, and never reaches userspace.
 *
 * One copy of the program per direction. Its egress is the one slot of a
 * devmap, filled by the loader with the other interface's ifindex once both
 * directions are attached (until then frames go to the stack); when the
 * two are the same interface the loader sets xmit_back and the frame goes
 * back out with XDP_TX instead (a devmap redirect to oneself costs more).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpkit/bpf/forward_abi.h>

/* Set by the loader between open and load (the skeleton's .rodata). */
const volatile __u32 xmit_back = 0;

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

	/* An empty slot returns the flags' action, XDP_PASS: the direction is not
	 * live yet. The loader fills the slot only once both directions are
	 * attached, since a driver may refuse XDP frames while it has no program
	 * of its own (virtio_net: ENXIO, after the redirect was counted). */
	action = xmit_back ? XDP_TX : bpf_redirect_map(&fwd_egress, 0, XDP_PASS);
	if (!st) /* cannot happen for a one-slot array; the verifier wants the check */
		return action;
	if (action == XDP_PASS) {
		st->not_live++;
		return XDP_PASS;
	}
	st->rx_packets++;
	st->rx_bytes += frags ? bpf_xdp_get_buff_len(ctx) : ctx->data_end - ctx->data;
	st->forwarded++;
	return action;
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
