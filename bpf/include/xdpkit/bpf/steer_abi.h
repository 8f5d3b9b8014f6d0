// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* steer_abi.h — what crosses the BPF/userspace line for bpf/steer.bpf.c, and nothing else.
 *
 * Included by the BPF program (clang -target bpf) and by C++, which checks the
 * size and offsets of every struct here, and so does the BPF compiler: the
 * asserts at the end run in both. Only fixed-width types: the two compilers
 * must agree on every byte.
 */
#ifndef XDPKIT_BPF_STEER_ABI_H
#define XDPKIT_BPF_STEER_ABI_H

#include <linux/types.h>

#include "xdpkit/bpf/abi_check.h"
#include "xdpkit/bpf/limits.h"

/* Per-CPU counters of the steer program: one slot, one lookup per packet
 * (a lookup per outcome cost ~5 % of the kernel's per-packet budget on veth).
 * Every packet is counted in rx_packets and in exactly one outcome, so
 * rx_packets == redirected + passed + dropped holds for every run. */
struct xdpkit_steer_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 redirected; /* handed to the AF_XDP socket bound on its queue */
	__u64 passed;     /* no socket on the queue, policy PASS: to the stack */
	__u64 dropped;    /* no socket on the queue, policy DROP */
};

/* Size and offsets, checked by both compilers (abi_check.h). */
XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_steer_stats) == 40);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_steer_stats, rx_packets) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_steer_stats, rx_bytes) == 8);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_steer_stats, redirected) == 16);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_steer_stats, passed) == 24);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_steer_stats, dropped) == 32);

#endif /* XDPKIT_BPF_STEER_ABI_H */
