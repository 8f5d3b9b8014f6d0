// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* lab_gen.bpf.c — the veth lab's live-frame traffic source.
 *
 * Run with BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: the kernel builds a real
 * xdp_frame from the test packet for every repetition and this program redirects
 * it out of `out_ifindex`, so one syscall sends millions of frames without skbs.
 * The same technique as xdp-trafficgen, for IPv4/UDP frames built by the lab.
 * Some kernels refuse the flag (EPERM: it is a test interface, hardened builds
 * close it); tools/lab then uses lab_clone.bpf.c or AF_PACKET instead.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 out_ifindex = 0;

SEC("xdp")
int xdpkit_lab_gen(struct xdp_md *ctx)
{
	(void)ctx;
	return bpf_redirect(out_ifindex, 0);
}

/* Asks whether the kernel allows live frames at all, sending nothing: one
 * live-frame run of this program drops its only frame. */
SEC("xdp")
int xdpkit_lab_gen_probe(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
