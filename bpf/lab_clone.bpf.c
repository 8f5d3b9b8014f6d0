// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* lab_clone.bpf.c — the veth lab's traffic source where live frames are refused.
 *
 * A tc program run with plain BPF_PROG_RUN (no live-frames flag, which some
 * kernels refuse): the kernel builds one skb from the test packet, and each
 * repetition clones it `clones_per_run` times out of `out_ifindex` with
 * bpf_clone_redirect. One syscall sends `repeat × clones_per_run` frames, and
 * the clone is the only per-packet cost (no socket, no copy from userspace).
 *
 * Exact by construction: a clone the device refuses (its peer's ring is full)
 * returns an error and is counted in `refused`, a clone it took in `sent`, so
 * userspace knows to the frame what went out. Globals, not per-CPU maps: one
 * BPF_PROG_RUN call runs on one CPU, and the lab never runs two at once on
 * the same object.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define XDPKIT_LAB_MAX_CLONES 64

const volatile __u32 out_ifindex = 0;
__u32 clones_per_run = 0;  /* set by userspace before each call; 0 sends nothing (the probe) */
__u64 sent = 0;
__u64 refused = 0;

SEC("tc")
int xdpkit_lab_clone(struct __sk_buff *skb)
{
	__u32 n = clones_per_run;

	for (__u32 i = 0; i < XDPKIT_LAB_MAX_CLONES; i++) {
		if (i >= n)
			break;
		if (bpf_clone_redirect(skb, out_ifindex, 0) == 0)
			sent++;
		else
			refused++;
	}
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
