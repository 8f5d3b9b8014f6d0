// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* bench_drop.bpf.c — the XDP_DROP ceiling of the bench: the cheapest thing an
 * XDP program can do with a packet, so nothing built on XDP can beat it. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdpkit_bench_drop(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
