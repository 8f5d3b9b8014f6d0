// The BPF side and the C++ side must agree on every byte of the shared ABI:
// a layout change in bpf/include/xdpkit/bpf/abi.h that breaks userspace fails
// the build here instead of reading garbage counters at run time.
#include <cstddef>

#include "xdpkit/bpf/abi.h"

static_assert(sizeof(xdpkit_counter) == 16);
static_assert(offsetof(xdpkit_counter, packets) == 0);
static_assert(offsetof(xdpkit_counter, bytes) == 8);
static_assert(XDPKIT_STEER_RX == 0 && XDPKIT_STEER_NR_COUNTERS == 4);
static_assert(XDPKIT_MAX_QUEUES == 256);
