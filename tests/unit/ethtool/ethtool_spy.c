// SPDX-License-Identifier: Apache-2.0
/* LD_PRELOAD shim for the ethtool(8) oracle test: it answers every
 * SIOCETHTOOL itself, so ethtool runs without a device or privileges, and
 * writes the ethtool_rxnfc of an ETHTOOL_SRXCLSRLINS to $XK_SPY_OUT. Other
 * ioctls go to the kernel unchanged. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int ioctl(int fd, unsigned long request, ...) {
  va_list ap;
  va_start(ap, request);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  if (request != SIOCETHTOOL) return (int)syscall(SYS_ioctl, fd, request, arg);
  const struct ifreq* ifr = arg;
  unsigned cmd;
  memcpy(&cmd, ifr->ifr_data, sizeof cmd);
  if (cmd == ETHTOOL_SRXCLSRLINS) {
    const char* out = getenv("XK_SPY_OUT");
    FILE* f = out ? fopen(out, "wb") : NULL;
    if (!f) {
      errno = EIO;
      return -1;
    }
    const size_t n = fwrite(ifr->ifr_data, sizeof(struct ethtool_rxnfc), 1, f);
    fclose(f);
    return n == 1 ? 0 : -1;
  }
  /* Anything else (rule counts, the old SRXNTUPLE): "not supported". */
  errno = EOPNOTSUPP;
  return -1;
}
