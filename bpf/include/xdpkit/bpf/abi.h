/* abi.h — every struct and enum that crosses the BPF/userspace line, in one place.
 *
 * Included by the BPF programs (clang -target bpf) and by C++ (which checks the
 * sizes and offsets with static_assert in userspace/src/abi_checks.cpp). Only
 * fixed-width types: the two compilers must agree on every byte.
 */
#ifndef XDPKIT_BPF_ABI_H
#define XDPKIT_BPF_ABI_H

#include <linux/types.h>

/* Largest queue index a steering map can hold. Real NICs here have <= 64 queues;
 * 256 leaves room without making the map expensive. */
#define XDPKIT_MAX_QUEUES 256

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

#endif /* XDPKIT_BPF_ABI_H */
