// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* lab_sink_abi.h — the counters of bpf/lab_sink.bpf.c, the lab's far end. */
#ifndef XDPKIT_BPF_LAB_SINK_ABI_H
#define XDPKIT_BPF_LAB_SINK_ABI_H

#include <linux/types.h>

#include "xdpkit/bpf/abi_check.h"

struct xdpkit_lab_sink_stats {
	__u64 packets;
	__u64 bytes;
};

XDPKIT_ABI_ASSERT(sizeof(struct xdpkit_lab_sink_stats) == 16);
XDPKIT_ABI_ASSERT(XDPKIT_ABI_OFFSET(xdpkit_lab_sink_stats, bytes) == 8);

#endif /* XDPKIT_BPF_LAB_SINK_ABI_H */
