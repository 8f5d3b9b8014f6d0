// SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0
/* limits.h — bounds every XDP program of xdpkit and its loader agree on. */
#ifndef XDPKIT_BPF_LIMITS_H
#define XDPKIT_BPF_LIMITS_H

/* Largest queue index a steering map (the XSKMAP of steer and firewall) can
 * hold. Real NICs here have <= 64 queues; 256 leaves room without making the
 * map expensive. */
#define XDPKIT_MAX_QUEUES 256

#endif /* XDPKIT_BPF_LIMITS_H */
