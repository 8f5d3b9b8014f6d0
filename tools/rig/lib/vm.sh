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
# the forwarding NICs' taps (RIG_BRIDGE): one bridge makes them a wire from eth1 to eth2, so
# what the guest forwards out of eth1 arrives on eth2; no IPv6 on them either
if [ -n "${RIG_BRIDGE:-}" ]; then
  for _ in $(seq 100); do ip link show rigtap2 >/dev/null 2>&1 && break; kill -0 $qpid 2>/dev/null || break; sleep 0.1; done
  {
    ip link add rigbr0 type bridge &&
    for i in rigbr0 rigtap1 rigtap2; do echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6; done &&
    ip link set rigtap1 master rigbr0 && ip link set rigtap2 master rigbr0 &&
    ip link set rigtap1 up && ip link set rigtap2 up && ip link set rigbr0 up
  } 2>>"$W/tap.err" || echo "rig: the forwarding NICs' bridge could not be made" >>"$W/pktsend.log"
fi
wait $qpid
rc=$?
echo "$rc" > "$W/qemu.rc"
exit $rc
