// The BPF side and the C++ side must agree on every byte of the shared ABI:
// a layout change in bpf/include/xdpkit/bpf/abi.h that breaks userspace fails
// the build here instead of reading garbage counters at run time.
#include <cstddef>

#include "xdpkit/bpf/abi.h"

static_assert(sizeof(xdpkit_steer_stats) == 40);
static_assert(offsetof(xdpkit_steer_stats, rx_packets) == 0);
static_assert(offsetof(xdpkit_steer_stats, rx_bytes) == 8);
static_assert(offsetof(xdpkit_steer_stats, redirected) == 16);
static_assert(offsetof(xdpkit_steer_stats, passed) == 24);
static_assert(offsetof(xdpkit_steer_stats, dropped) == 32);
static_assert(XDPKIT_MAX_QUEUES == 256);
