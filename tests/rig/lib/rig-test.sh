# SPDX-License-Identifier: Apache-2.0
# tests/rig/lib/rig-test.sh — sourced by the guest tests (busybox sh inside the rig's guest).
# A test prints one line per check: "PASS name: detail", "FAIL name: detail" or
# "SKIP name: why"; /init forwards those lines to the host and tools/rig/rig reports them.
# Anything else a test prints goes to the guest console log only.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
ip() { /bin/busybox ip "$@"; }
IF=${RIG_IF:-eth0}
RIG_FAILED=0
# every tune of a test is journaled here; /init reverts whatever a test leaves behind
RIG_JOURNAL=/run/rig-journal
mkdir -p $RIG_JOURNAL
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; RIG_FAILED=1; }
skip() { echo "SKIP $*"; }
# expect NAME ACTUAL EXPECTED [what]: PASS when equal, FAIL naming both otherwise
expect() {
  if [ "$2" = "$3" ]; then pass "$1: ${4:-}${4:+ }$2"; else fail "$1: ${4:-}${4:+ }got '$2', expected '$3'"; fi
}
# the value of rig.NAME= on the kernel command line (what the host gave QEMU)
rig_arg() { sed -n "s/.*rig\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
# run xdpkit, keep its stdout in FILE; on failure print the command's stderr to the console.
# The console gets each command with the guest's wall clock (the host's at boot), so it can be
# lined up with a QEMU trace (tools/rig/rig run --trace).
xk() {
  out=$1; shift
  echo "-- $(date +%T) xdpkit $*"
  xdpkit "$@" > "$out" 2>/tmp/xk.err && return 0
  rc=$?; echo "xdpkit $* -> exit $rc:"; cat /tmp/xk.err; return $rc
}
# expand a cpulist ("0-1,3") to one CPU per line
cpus() { echo "$1" | tr ',' '\n' | awk -F- 'NF==1 && $1!="" {print $1} NF==2 {for (i=$1; i<=$2; i++) print i}'; }
# is every CPU of list $1 in list $2?
cpus_within() { for c in $(cpus "$1"); do cpus "$2" | grep -qx "$c" || return 1; done; [ -n "$1" ]; }
finish() { exit $RIG_FAILED; }
# same_probe NAME BEFORE.json AFTER.json WHAT: probe after revert must equal probe before.
# Byte-identical passes outright. The one field allowed to differ is an IRQ's "effective" CPU:
# the kernel picks it inside the (restored) affinity mask and nobody can set it, so a revert
# cannot promise it; everything else, affinity masks included, must still match exactly.
same_probe() {
  if cmp -s "$2" "$3"; then pass "$1: probe after revert is byte-identical to probe before ($4)"; return; fi
  eff='del(.queues.irqs[]?.effective)'
  if [ "$(jq -S "$eff" "$2")" = "$(jq -S "$eff" "$3")" ]; then
    pass "$1: probe after revert equals probe before ($4) except the kernel-chosen effective IRQ CPUs: $(diff "$2" "$3" | grep '^[-+] ' | tr -s ' ' | tr '\n' ' ')"
  else
    fail "$1: probe differs after revert ($4): $(diff "$2" "$3" | grep '^[-+] ' | tr -s ' ' | head -8 | tr '\n' ' ')"
  fi
}

# --- the driver and what it is known to offer ---
# The driver bound to $IF (sysfs, not xdpkit). Its maxima, which xdpkit probe must report:
#   virtio_net: channels max = the queue pairs QEMU was given (rig.queues); rx ring max 256 (QEMU's
#               default rx_queue_size, which virtio_net reports as the maximum)
#   igb (82576, QEMU's model): channels max 8 (igb_get_max_rss_queues: IGB_MAX_RX_QUEUES for
#               82576); ring max 4096 (IGB_MAX_RXD)
DRV=$(basename "$(readlink "/sys/class/net/$IF/device/driver" 2>/dev/null)" 2>/dev/null)
case $DRV in
  virtio_net) CH_MAX=$(rig_arg queues); RING_MAX=256;;
  igb) CH_MAX=8; RING_MAX=4096;;
  *) CH_MAX=; RING_MAX=;;
esac

# --- per-queue packet counts (rss-traffic, afxdp-queue) ---
# rx queues the kernel has now (sysfs), set again by link_up: igb sets its real queue count only
# when opened (until the first open sysfs shows all 8 it allocated); channels are only changed
# (and reverted) inside tune-revert
rx_queues() { ls -d /sys/class/net/"$IF"/queues/rx-* 2>/dev/null | wc -l; }
NQ=$(rx_queues)
# the driver's statistics (ethtool -S, through xdpkit probe --stats) as one JSON object in FILE
# The kernel's per-queue counters (netdev qstats, 6.10+) join them as qstat_rxN_packets/_bytes.
# A read that brings no statistics is tried again (up to 4 s) and said on the console, so a
# driver that briefly refuses them does not pass for one without per-queue counters.
stats_snap() {
  i=0
  until xdpkit probe "$IF" --stats --json > /tmp/stats.raw 2> /tmp/stats.err &&
        jq -e '.stats.values | length > 0' /tmp/stats.raw > /dev/null 2>&1; do
    i=$((i + 1))
    echo "-- stats read $i brought no statistics: $(jq -c .stats /tmp/stats.raw 2>/dev/null) $(tail -1 /tmp/stats.err)"
    [ $i -ge 20 ] && break
    sleep 0.2
  done
  jq -c '(.stats.values // {}) + ([.queue_counters.rx[]?
    | {key: "qstat_rx\(.queue)_packets", value: .packets}, {key: "qstat_rx\(.queue)_bytes", value: .bytes}]
    | map(select(.value != null)) | from_entries)' /tmp/stats.raw > "$1" 2>/dev/null || echo '{}' > "$1"
}
# bring IF up and wait (up to 10 s) for its carrier: igb requests its queue IRQs at open and
# reports link a moment later; virtio's carrier is there at once
link_up() {
  ip link set "$IF" up
  i=0
  while [ "$(cat /sys/class/net/"$IF"/operstate 2>/dev/null)" != up ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ $i -lt 100 ] || echo "-- $IF: no carrier 10 s after link up (operstate $(cat /sys/class/net/"$IF"/operstate))"
  NQ=$(rx_queues)
}
# per rx queue, counter FIELD (packets, xdp_packets, xdp_redirects, ...) of a snapshot: "v0 v1 ..",
# "x" for a queue without it. virtio_net names them rx_queue_N_FIELD on 6.1 and rxN_FIELD on 6.12
# and 7.3, which have no plain per-queue packets in ethtool -S: those come from netdev qstats
# (qstat_rxN_packets); igb has rx_queue_N_packets (XDP-handled frames included) and no per-queue
# XDP counters
qget() {
  jq -r --argjson nq "$NQ" --arg f "$2" '. as $v | [range(0; $nq) | tostring as $q
    | ($v["rx_queue_\($q)_\($f)"] // $v["rx\($q)_\($f)"] // $v["qstat_rx\($q)_\($f)"] // "x")] | join(" ")' "$1"
}
has_qcounter() { ! qget "$1" "$2" | grep -qw x; }
# element-wise B - A of two "v0 v1 .." lists
vsub() { echo "$1|$2" | awk -F'|' '{ n = split($1, x, " "); split($2, y, " "); for (i = 1; i <= n; i++) printf "%d ", y[i] - x[i] }'; }
# the indices with a value > 0 ("1 3"), and the sum, of a "v0 v1 .." list
hot() { echo "$1" | awk '{ s = ""; for (i = 1; i <= NF; i++) if ($i > 0) s = s (s == "" ? "" : " ") (i - 1); print s }'; }
sum() { echo "$1" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print s }'; }
# start `xdpkit run` in the background with ARGS (stdout JSON lines in FILE); wait for its start
# line. Returns 1 (and prints its stderr) when it exits or prints nothing within 30 s; its exit
# status is then in RUN_RC.
RUN_PID=
run_bg() {
  out=$1; shift
  echo "-- $(date +%T) xdpkit run --iface $IF $* (in the background)"
  xdpkit run --iface "$IF" --json "$@" > "$out" 2> "$out.err" &
  RUN_PID=$!
  i=0
  while [ $i -lt 300 ]; do
    grep -q '"type":"start"' "$out" 2>/dev/null && return 0
    kill -0 $RUN_PID 2>/dev/null || break
    sleep 0.1; i=$((i + 1))
  done
  echo "xdpkit run $* did not start:"; cat "$out.err"; kill -TERM $RUN_PID 2>/dev/null; wait $RUN_PID; RUN_RC=$?; RUN_PID=
  return 1
}
# stop the background run (SIGTERM: it detaches and prints its summary) and wait for it
# (its exit status in RUN_RC)
run_stop() {
  [ -n "$RUN_PID" ] || return 0
  kill -TERM $RUN_PID 2>/dev/null; wait $RUN_PID; RUN_RC=$?; RUN_PID=
  echo "-- $(date +%T) xdpkit run stopped: exit $RUN_RC"
}
# start `xdpkit forward A B --json ARGS` in the background (stdout JSON lines in OUT) and wait
# for its start line; returns 1 when it exits first (its exit status then in FW_RC)
FW=
fw_bg() {
  fa=$1 fb=$2 out=$3; shift 3
  echo "-- $(date +%T) xdpkit forward $fa $fb $* (in the background)"
  xdpkit forward "$fa" "$fb" --json "$@" > "$out" 2> "$out.err" &
  FW=$!
  for _ in $(seq 300); do grep -q '"type":"start"' "$out" 2>/dev/null && return 0; kill -0 $FW 2>/dev/null || break; sleep 0.1; done
  wait $FW; FW_RC=$?; FW=; return 1
}
fw_stop() { [ -n "$FW" ] || return 0; kill -TERM $FW; wait $FW; FW_RC=$?; FW=; }
# a test that ends early (finish, or /init's timeout) still detaches: its XDP program and
# sockets must not outlive it into the next test
trap 'run_stop; fw_stop' EXIT
trap 'exit 143' TERM INT

# check_received PREFIX Q SUMMARY SNAP0 SNAP1 WHAT [SNAP_A SNAP_B]: what a worker on queue Q
# received (from the summary line of xdpkit run --json) against the driver's counters of queue Q.
# SNAP0/SNAP1 are taken before the run started and after it stopped; SNAP_A/SNAP_B after its start
# line and just before it was stopped. Where the driver counts redirects per queue (virtio_net's
# rxN_xdp_redirects), the worker must have got all the driver redirected between SNAP0 and SNAP1
# but at most 8 still in the ring at stop (40 ms of traffic). Where it counts only packets per
# queue (igb's rx_queue_N_packets, XDP frames included), the worker must have got every packet
# that arrived on Q while it was surely bound (SNAP_A..SNAP_B) but at most 8, and no more than
# arrived on Q in the whole run (SNAP0..SNAP1). Either way no kernel drop, and every frame one of
# pktsend's (74 bytes: Ethernet + IPv4 + UDP + 32), so nothing else reached the socket.
# Two checks: PREFIX/received and PREFIX/frames.
check_received() {
  rx=$(echo "$3" | jq -r --argjson q "$2" '.queues[] | select(.queue == $q) | .rx_packets')
  bytes=$(echo "$3" | jq -r --argjson q "$2" '.queues[] | select(.queue == $q) | .rx_bytes')
  kd=$(echo "$3" | jq -r .kernel_drops)
  qd() { vsub "$(qget "$1" "$3")" "$(qget "$2" "$3")" | awk -v q="$Qc" '{ print $(q + 1) }'; }
  Qc=$2
  if has_qcounter "$4" xdp_redirects; then
    red=$(qd "$4" "$5" xdp_redirects)
    if [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$kd" = 0 ] && [ "$rx" -le "$red" ] && [ $((red - rx)) -le 8 ]; then
      pass "$1/received: the $6 on queue $2 received $rx of the $red packets the driver redirected to its socket, kernel drops 0"
    else fail "$1/received: $6 rx '$rx', driver redirects on queue $2 '$red', kernel drops '$kd'"; fi
  elif [ -n "${8:-}" ] && has_qcounter "$4" packets; then
    wide=$(qd "$4" "$5" packets); narrow=$(qd "$7" "$8" packets)
    if [ -n "$wide" ] && [ -n "$narrow" ] && [ "$narrow" -ge 0 ] && [ "$wide" -lt "$narrow" ]; then
      # The whole run's count went backwards: the driver zeroed the queue's counters when it set
      # the ring up for the socket (igb does at a zero-copy bind, and again at the unbind). Only
      # the count taken while bound is left to hold the worker's against, from below.
      if [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$kd" = 0 ] && [ "$rx" -ge $((narrow - 8)) ]; then
        pass "$1/received: the $6 on queue $2 received $rx packets: all but at most 8 of the $narrow the driver counted on queue $2 while it was bound (no upper bound: $DRV zeroed the queue's counters during the run, whole-run delta $wide), kernel drops 0"
      else fail "$1/received: $6 rx '$rx'; the driver counted $narrow packets on queue $2 while it was bound (its counters were zeroed during the run); expected at least $((narrow - 8)); kernel drops '$kd'"; fi
    elif [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$kd" = 0 ] && [ "$rx" -le "$wide" ] && [ "$rx" -ge $((narrow - 8)) ]; then
      pass "$1/received: the $6 on queue $2 received $rx packets: all but at most 8 of the $narrow the driver counted on queue $2 while it was bound, and not more than the $wide of the whole run (this driver counts no redirects per queue), kernel drops 0"
    else fail "$1/received: $6 rx '$rx'; the driver counted $narrow packets on queue $2 while it was bound, $wide in the whole run (expected $((narrow - 8)) <= rx <= $wide); kernel drops '$kd'"; fi
  else
    fail "$1/received: the driver ($DRV) counts neither redirects nor packets per queue in ethtool -S (or no snapshots taken while bound); nothing to check the worker's $rx packets against"
  fi
  if [ -n "$bytes" ] && [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$bytes" = $((rx * 74)) ]; then pass "$1/frames: all $rx frames are the host's UDP flows (74 bytes each)"
  else fail "$1/frames: $rx frames, $bytes bytes: not all 74-byte frames of the host's flows"; fi
}
