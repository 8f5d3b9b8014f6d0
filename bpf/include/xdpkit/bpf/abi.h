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

/* Per-CPU counters of the steer program, one slot per outcome. Every packet the
 * program sees is counted in RX and in exactly one of the others, so
 * rx == redirected + passed + dropped holds for every run. */
enum xdpkit_steer_counter {
	XDPKIT_STEER_RX = 0,         /* every packet the program saw */
	XDPKIT_STEER_REDIRECTED = 1, /* handed to the AF_XDP socket bound on its queue */
	XDPKIT_STEER_PASSED = 2,     /* no socket on the queue, policy PASS: to the stack */
	XDPKIT_STEER_DROPPED = 3,    /* no socket on the queue, policy DROP */
	XDPKIT_STEER_NR_COUNTERS = 4,
};

struct xdpkit_counter {
	__u64 packets;
	__u64 bytes;
};

#endif /* XDPKIT_BPF_ABI_H */
