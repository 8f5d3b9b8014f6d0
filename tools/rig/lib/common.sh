# SPDX-License-Identifier: Apache-2.0
# tools/rig/lib/common.sh — shared by the rig's subcommands (sourced, not run).
# shellcheck shell=bash disable=SC2034
# Everything here is plain bash; no state outside the cache dir and the run's own temp dir.

RIG_CACHE=${XDPKIT_RIG_CACHE:-/var/cache/xdpkit-rig}
RIG_CPU_LOCK=${XDPKIT_CPU_LOCK:-/tmp/xdpkit-cpu.lock}
RIG_ARCH=amd64
# the command prefix that takes the shared CPU lock; XDPKIT_CPU_LOCK=none when a caller holds it
if [ "$RIG_CPU_LOCK" = none ]; then RIG_LOCK=(); else RIG_LOCK=(flock "$RIG_CPU_LOCK"); fi

# Kernels the rig knows: short name -> apt package regex and the suite it comes from.
# 6.1 is bookworm's own kernel (point releases land in bookworm / bookworm-updates / -security);
# 6.12 is the LTS kernel Debian ships to bookworm through bookworm-security; 7.3 comes from
# trixie-backports, split into linux-binary-unsigned-V (vmlinuz) and linux-modules-V.
declare -A RIG_KERNEL_RE=(
  [6.1]='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$'
  [6.12]='^linux-image-6\.12\.[0-9]+\+deb12(u[0-9]+)?-amd64-unsigned$'
  [7.3]='^linux-binary-unsigned-7\.3\.[0-9]+\+deb13-amd64$'
)

say()  { printf 'rig: %s\n' "$*" >&2; }
die()  { printf 'rig: error: %s\n' "$1" >&2; shift; local l; for l in "$@"; do printf '  %s\n' "$l" >&2; done; exit 2; }
need_root() { [ "$(id -u)" = 0 ] || die "$1 needs root" "run it as root (sudo tools/rig/rig ...)"; }
need_tool() {
  local t pkg
  for t in "$@"; do
    pkg=${t#*:}; t=${t%%:*}
    command -v "$t" >/dev/null 2>&1 || die "'$t' is not installed on this host" "install it: apt-get install $pkg"
  done
}
valid_kernel() { [ -n "${RIG_KERNEL_RE[$1]+x}" ] || die "unknown kernel '$1'" "choose one of: ${!RIG_KERNEL_RE[*]}"; }

# The extracted kernel for NAME (6.1|6.12) lives in $RIG_CACHE/kernel-NAME; fetch writes 'ready' last.
kernel_dir() { echo "$RIG_CACHE/kernel-$1"; }
# QEMU 7.2 (bookworm, virtio guests) in qemu/, QEMU 10 (bookworm-backports, igb guests) in qemu10/
qemu_dir()   { if [ "${1:-7.2}" = 10 ]; then echo "$RIG_CACHE/qemu10"; else echo "$RIG_CACHE/qemu"; fi; }
busybox_bin() { echo "$RIG_CACHE/busybox/bin/busybox"; }
