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
# run xdpkit, keep its stdout in FILE; on failure print the command's stderr to the console
xk() {
  out=$1; shift
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

# --- per-queue packet counts (rss-traffic, afxdp-queue) ---
NQ=$(rig_arg queues)
# the driver's statistics (ethtool -S, through xdpkit probe --stats) as one JSON object in FILE
# The kernel's per-queue counters (netdev qstats, 6.10+) join them as qstat_rxN_packets/_bytes.
stats_snap() {
  xdpkit probe "$IF" --stats --json | jq -c '(.stats.values // {}) + ([.queue_counters.rx[]?
    | {key: "qstat_rx\(.queue)_packets", value: .packets}, {key: "qstat_rx\(.queue)_bytes", value: .bytes}]
    | map(select(.value != null)) | from_entries)' > "$1"
}
# per rx queue, counter FIELD (packets, xdp_packets, xdp_redirects, ...) of a snapshot: "v0 v1 ..",
# "x" for a queue without it. virtio_net names them rx_queue_N_FIELD on 6.1 and rxN_FIELD on 6.12
# and 7.3, which have no plain per-queue packets in ethtool -S: those come from netdev qstats
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
# line. Returns 1 (and prints its stderr) when it exits or prints nothing within 30 s.
RUN_PID=
run_bg() {
  out=$1; shift
  xdpkit run --iface "$IF" --json "$@" > "$out" 2> "$out.err" &
  RUN_PID=$!
  i=0
  while [ $i -lt 300 ]; do
    grep -q '"type":"start"' "$out" 2>/dev/null && return 0
    kill -0 $RUN_PID 2>/dev/null || break
    sleep 0.1; i=$((i + 1))
  done
  echo "xdpkit run $* did not start:"; cat "$out.err"; kill -TERM $RUN_PID 2>/dev/null; wait $RUN_PID; RUN_PID=
  return 1
}
# stop the background run (SIGTERM: it detaches and prints its summary) and wait for it
run_stop() { [ -n "$RUN_PID" ] || return 0; kill -TERM $RUN_PID 2>/dev/null; wait $RUN_PID; RUN_PID=; }
# a test that ends early (finish, or /init's timeout) still detaches: its XDP program and
# sockets must not outlive it into the next test
trap run_stop EXIT
trap 'exit 143' TERM INT

# check_received PREFIX Q SUMMARY SNAP0 SNAP1 WHAT: what a worker on queue Q received (from the
# summary line of xdpkit run --json) against what the driver redirected on Q between two stats
# snapshots: all of it but at most 8 still in the ring at stop (40 ms of traffic), no kernel
# drop, and every frame one of pktsend's (74 bytes: Ethernet + IPv4 + UDP + 32), so nothing else
# reached the socket. Two checks: PREFIX/received and PREFIX/frames.
check_received() {
  red=$(vsub "$(qget "$4" xdp_redirects)" "$(qget "$5" xdp_redirects)" | awk -v q="$2" '{ print $(q + 1) }')
  rx=$(echo "$3" | jq -r --argjson q "$2" '.queues[] | select(.queue == $q) | .rx_packets')
  bytes=$(echo "$3" | jq -r --argjson q "$2" '.queues[] | select(.queue == $q) | .rx_bytes')
  kd=$(echo "$3" | jq -r .kernel_drops)
  if [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$kd" = 0 ] && [ "$rx" -le "$red" ] && [ $((red - rx)) -le 8 ]; then
    pass "$1/received: the $6 on queue $2 received $rx of the $red packets the driver redirected to its socket, kernel drops 0"
  else fail "$1/received: $6 rx '$rx', driver redirects on queue $2 '$red', kernel drops '$kd'"; fi
  if [ -n "$bytes" ] && [ "$rx" -gt 0 ] && [ "$bytes" = $((rx * 74)) ]; then pass "$1/frames: all $rx frames are the host's UDP flows (74 bytes each)"
  else fail "$1/frames: $rx frames, $bytes bytes: not all 74-byte frames of the host's flows"; fi
}
