// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* forward_abi.h — what crosses the BPF/userspace line for bpf/forward.bpf.c.
 *
 * One instance of the program per direction: A's copy sends to B, B's to A.
 * Only fixed-width types; sizes and offsets are asserted by both compilers.
 */
#ifndef XDPKIT_BPF_FORWARD_ABI_H
#define XDPKIT_BPF_FORWARD_ABI_H

#include <linux/types.h>

#include "xdpkit/bpf/abi_check.h"

/* Per-CPU counters of one direction (one slot). A frame that comes while
 * the direction is live is counted in rx_packets and forwarded (handed to the
 * egress device's XDP transmit, or XDP_TX); one that comes before (the
 * egress slot still empty: the loader fills it once both directions are
 * attached) goes to the kernel stack, as it would without the forwarder, and
 * is counted in not_live only. */
struct xdpkit_fwd_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 forwarded;
	__u64 not_live;
};

XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_fwd_stats) == 32);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fwd_stats, rx_packets) == 0);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fwd_stats, rx_bytes) == 8);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fwd_stats, forwarded) == 16);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_fwd_stats, not_live) == 24);

#endif /* XDPKIT_BPF_FORWARD_ABI_H */
