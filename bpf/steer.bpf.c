/* steer.bpf.c — hands every packet of a queue to the AF_XDP socket bound on it.
 *
 * The plainest XDP program an AF_XDP data plane needs: look up the socket of
 * ctx->rx_queue_index in an XSKMAP and redirect; with no socket on that queue,
 * apply the policy set from userspace before load (PASS keeps the host reachable,
 * DROP makes the sink strict). Every packet is counted once per outcome.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xdpkit/bpf/abi.h>

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
	__uint(max_entries, XDPKIT_STEER_NR_COUNTERS);
	__type(key, __u32);
	__type(value, struct xdpkit_counter);
} steer_counters SEC(".maps");

static __always_inline void count(__u32 slot, __u64 bytes)
{
	struct xdpkit_counter *c = bpf_map_lookup_elem(&steer_counters, &slot);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

SEC("xdp")
int xdpkit_steer(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	__u32 queue = ctx->rx_queue_index;

	count(XDPKIT_STEER_RX, bytes);
	/* The flags argument is the action returned when the slot is empty, so a
	 * queue without a socket costs one lookup, not a failed redirect. */
	long action = bpf_redirect_map(&xsks, queue, no_socket_action == XDP_DROP ? XDP_DROP : XDP_PASS);
	if (action == XDP_REDIRECT)
		count(XDPKIT_STEER_REDIRECTED, bytes);
	else if (action == XDP_DROP)
		count(XDPKIT_STEER_DROPPED, bytes);
	else
		count(XDPKIT_STEER_PASSED, bytes);
	return action;
}

char LICENSE[] SEC("license") = "GPL";
