// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* steer.bpf.c — hands every packet of a queue to the AF_XDP socket bound on it.
 *
 * The plainest XDP program an AF_XDP data plane needs: look up the socket of
 * ctx->rx_queue_index in an XSKMAP and redirect; with no socket on that queue,
 * apply the policy set from userspace before load (PASS keeps the host reachable,
 * DROP makes the sink strict). Every packet is counted once per outcome.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpkit/bpf/steer_abi.h>

/* Set by the loader between open and load (the skeleton's .rodata). */
const volatile __u32 no_socket_action = XDP_PASS;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XDPKIT_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpkit_steer_stats);
} steer_stats SEC(".maps");

/* `frags`: the xdp.frags variant, for MTUs over one page: the frame may have
 * buffers beyond ctx->data_end, and its length is the whole frame's. */
static __always_inline int steer(struct xdp_md *ctx, const int frags)
{
	__u32 zero = 0;
	struct xdpkit_steer_stats *st = bpf_map_lookup_elem(&steer_stats, &zero);
	__u32 queue = ctx->rx_queue_index;

	/* The flags argument is the action returned when the slot is empty, so a
	 * queue without a socket costs one lookup, not a failed redirect. */
	long action = bpf_redirect_map(&xsks, queue, no_socket_action == XDP_DROP ? XDP_DROP : XDP_PASS);
	if (!st) /* cannot happen for a one-slot array; the verifier wants the check */
		return action;
	st->rx_packets++;
	st->rx_bytes += frags ? bpf_xdp_get_buff_len(ctx) : ctx->data_end - ctx->data;
	if (action == XDP_REDIRECT)
		st->redirected++;
	else if (action == XDP_DROP)
		st->dropped++;
	else
		st->passed++;
	return action;
}

SEC("xdp")
int xdpkit_steer(struct xdp_md *ctx)
{
	return steer(ctx, 0);
}

/* Multi-buffer: the socket must be bound with XDP_USE_SG to take these frames. */
SEC("xdp.frags")
int xdpkit_steer_mb(struct xdp_md *ctx)
{
	return steer(ctx, 1);
}

char LICENSE[] SEC("license") = "GPL";
