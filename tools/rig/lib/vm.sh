#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/rig/lib/vm.sh — runs as pid 1 of a private network + pid namespace (see run.sh), so the
# tap QEMU creates and every process started here vanish when it exits, whatever happens.
#   vm.sh WORKDIR TIMEOUT PKTSEND QEMU_ARGS...
# QEMU gets a multi-queue tap 'rigtap0'; once it exists this brings it up and starts the host-side
# traffic (pktsend, many UDP flows to the guest NIC's MAC) for the guest's lifetime.
set -u
W=$1 T=$2 PKTSEND=$3; shift 3
date +%s > "$W/started"   # the CPU lock is held from here: run.sh reports the wait apart
ip link set lo up
timeout -k 5 "$T" "$@" &
qpid=$!
for _ in $(seq 100); do ip link show rigtap0 >/dev/null 2>&1 && break; kill -0 $qpid 2>/dev/null || break; sleep 0.1; done
# no IPv6 on the tap: its router solicitations, DAD and MLD reports would reach the guest as
# stray packets on whatever queue they hash to; so only pktsend's flows arrive
echo 1 > /proc/sys/net/ipv6/conf/rigtap0/disable_ipv6 2>>"$W/tap.err"
if ip link set rigtap0 up 2>>"$W/tap.err"; then
  "$PKTSEND" rigtap0 52:54:00:00:00:10 --flows 64 --pps "${RIG_PPS:-200}" --seconds "$T" >"$W/pktsend.log" 2>&1 &
else
  echo "rig: tap rigtap0 did not appear; no host-side traffic" >>"$W/pktsend.log"
fi
wait $qpid
rc=$?
echo "$rc" > "$W/qemu.rc"
exit $rc
