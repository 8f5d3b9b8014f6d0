#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/rig/lib/vm-dgram.sh — the igb guest's launcher; runs as pid 1 of a private mount, network
# and pid namespace (see run.sh), so the sockets, mounts and every process started here vanish
# when it exits, whatever happens.
#   vm-dgram.sh WORKDIR TIMEOUT PKTSEND QEMU_MODULE_DIR QEMU_ARGS...
# QEMU_ARGS name their dgram backend's sockets as $RIG_SOCK/qemu.sock (QEMU's end, which it
# reads frames from) and $RIG_SOCK/peer.sock (where QEMU sends the guest's frames; nobody listens,
# so they are dropped). RIG_SOCK is a private tmpfs; no tap, no host network device.
set -u
W=$1 T=$2 PKTSEND=$3 MODDIR=$4; shift 4
date +%s > "$W/started"   # the CPU lock is held from here: run.sh reports the wait apart
ip link set lo up
mount -t tmpfs -o size=1m,mode=0700 rigsock "$RIG_SOCK" || { echo "rig: could not mount the socket tmpfs on $RIG_SOCK" >&2; exit 2; }
# QEMU loads modules from its build-time directory before QEMU_MODULE_DIR; a host QEMU's modules
# there are another version: cover them with this QEMU's own, in this namespace only
if [ -d /usr/lib/x86_64-linux-gnu/qemu ]; then mount --bind "$MODDIR" /usr/lib/x86_64-linux-gnu/qemu || exit 2; fi
timeout -k 5 "$T" "$@" &
qpid=$!
for _ in $(seq 100); do [ -S "$RIG_SOCK/qemu.sock" ] && break; kill -0 $qpid 2>/dev/null || break; sleep 0.1; done
if [ -S "$RIG_SOCK/qemu.sock" ]; then
  "$PKTSEND" "unix:$RIG_SOCK/qemu.sock" 52:54:00:00:00:10 --flows 64 --pps "${RIG_PPS:-200}" --seconds "$T" >"$W/pktsend.log" 2>&1 &
else
  echo "rig: QEMU's socket $RIG_SOCK/qemu.sock did not appear; no host-side traffic" >>"$W/pktsend.log"
fi
wait $qpid
rc=$?
echo "$rc" > "$W/qemu.rc"
exit $rc
