# SPDX-License-Identifier: Apache-2.0
# what: xdpkit forward between the NIC and a second interface (a veth of as many queues): on the AF_XDP path with --queue all, every queue pair forwards what RSS sent its NIC queue, the far end receives every frame forwarded, the frame accounting is whole; a zero-copy NIC shares its UMEM only with a zero-copy peer (auto falls back to copy and says so, --bind zero-copy is refused naming why); the XDP path delivers every frame it forwards
# order: 16
. /tests/lib/rig-test.sh
IP2=/usr/sbin/ip.iproute2
A=xkfa B=xkfb
link_up
xk /tmp/fw-before.json probe "$IF" --json || { fail "fw/probe-before: xdpkit probe failed"; finish; }
$IP2 link add $A numrxqueues "$NQ" numtxqueues "$NQ" type veth peer name $B numrxqueues "$NQ" numtxqueues "$NQ" ||
  { fail "fw/veth: iproute2 could not make a veth pair of $NQ queues"; finish; }
cleanup_veth() { $IP2 link del $A 2>/dev/null; }
# no IPv6 on the pair: its router solicitations and MLD reports would reach the far end beside the forwarded frames
for i in $A $B; do echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6 2>/dev/null; $IP2 link set $i up; done
# The host's 64 flows differ in their ports only: hash udp4 on them (igb hashes addresses alone), journaled, reverted below.
J=$RIG_JOURNAL
h0=$(jq -r '.hash_fields.flows.udp4 // empty' /tmp/fw-before.json)
tuned=
if [ -n "$h0" ] && [ "$h0" != sdfn ]; then
  xk /tmp/tune.out tune "$IF" --hash udp4=sdfn --journal-dir $J || { fail "fw/hash: tune --hash udp4=sdfn failed: $(cat /tmp/xk.err)"; cleanup_veth; finish; }
  tuned=1
fi
ncpu=$(nproc)
cpus=""; for q in $(seq 0 $((NQ - 1))); do cpus="$cpus --cpu $((q % ncpu))"; done

# The far end: xdpkit run on every queue of B counts what arrives (its XDP program also gives the
# veth the NAPI that frames redirected to it by the XDP path need).
far_start() {
  # shellcheck disable=SC2086 # one --cpu per queue
  xdpkit run --iface $B --queue all $cpus --duration 0 --wait poll --pages normal --frames 1024 --json > /tmp/far.json 2> /tmp/far.err &
  FAR=$!
  for _ in $(seq 100); do grep -q '"type":"start"' /tmp/far.json 2>/dev/null && return 0; kill -0 $FAR 2>/dev/null || break; sleep 0.1; done
  fail "fw/far: xdpkit run on $B did not start: $(tail -2 /tmp/far.err)"; return 1
}
far_stop() { kill -TERM $FAR 2>/dev/null; wait $FAR; FAR_RX=$(grep '"type":"summary"' /tmp/far.json | jq -r '[.queues[].rx_packets] | add'); }

# --- the AF_XDP path, every queue ---
far_start || { cleanup_veth; finish; }
stats_snap /tmp/f0.json
# shellcheck disable=SC2086
if ! fw_bg "$IF" $A /tmp/fw.json --path afxdp --queue all $cpus --bind auto --wait poll --pages normal --frames 1024; then
  fail "fw/start: xdpkit forward --path afxdp --queue all did not start (exit $FW_RC): $(tail -2 /tmp/fw.json.err)"; far_stop; cleanup_veth; finish
fi
start=$(grep '"type":"start"' /tmp/fw.json)
echo "-- start: $start"
expect fw/queues "$(echo "$start" | jq -c .queues)" "$(seq 0 $((NQ - 1)) | jq -sc .)" "queue pairs ($NQ: every queue of $IF and $A)"
stats_snap /tmp/fa.json; sleep 3; stats_snap /tmp/fb.json
fw_stop
stats_snap /tmp/f1.json
sleep 0.5; far_stop
sumj=$(grep '"type":"summary"' /tmp/fw.json)
[ -n "$sumj" ] || { fail "fw/summary: no summary: $(tail -3 /tmp/fw.json.err)"; cleanup_veth; finish; }
expect fw/exit "$FW_RC" 0 "exit code after SIGTERM"
expect fw/accounting "$(echo "$sumj" | jq -c '[.frame_accounting[] | .accounted == .frames] | all')" true "every queue pair's frames free or in a fill ring once at the stop"
if has_qcounter /tmp/f0.json xdp_redirects; then C=xdp_redirects; else C=packets; fi
wide=$(vsub "$(qget /tmp/f0.json $C)" "$(qget /tmp/f1.json $C)")
narrow=$(vsub "$(qget /tmp/fa.json $C)" "$(qget /tmp/fb.json $C)")
echo "-- driver $C per queue: whole run $wide, while forwarding $narrow"
# With auto on a zero-copy driver, each queue was first bound zero-copy and then again in copy mode
# (the note says so); igb zeroes a queue's counters at a zero-copy bind and unbind, so its
# whole-run count is then no upper bound: only the count taken while forwarding is held against.
notes=$(echo "$start" | jq -r '.notes | join(" | ")')
rebound=; [ "$C" = packets ] && [ -n "$notes" ] && rebound=1
busy=0
for q in $(seq 0 $((NQ - 1))); do
  rx=$(echo "$sumj" | jq -r --argjson q "$q" '.queues[] | select(.queue == $q) | .a_to_b.rx_packets')
  w=$(echo $wide | awk -v q=$q '{ print $(q + 1) }'); n=$(echo $narrow | awk -v q=$q '{ print $(q + 1) }')
  if [ -n "$rebound" ] && [ -n "$rx" ] && [ "$rx" -ge $((n - 8)) ]; then
    pass "fw/q$q: queue pair $q received $rx on $IF: all but at most 8 of the $n the driver counted while forwarding (no upper bound: $DRV zeroed the queue's counters at the zero-copy bind auto undid, whole-run delta $w)"
  elif [ -z "$rebound" ] && [ -n "$rx" ] && [ "$rx" -le "$w" ] && [ "$rx" -ge $((n - 8)) ]; then
    pass "fw/q$q: queue pair $q received $rx on $IF: no more than the $w of the whole run, all but at most 8 of the $n while forwarding ($C)"
  else fail "fw/q$q: queue pair $q rx '$rx'; the driver's $C on queue $q: $w in the whole run, $n while forwarding"; fi
  [ "${rx:-0}" -gt 0 ] && busy=$((busy + 1))
done
if [ "$busy" -gt 1 ]; then pass "fw/spread: $busy of $NQ queue pairs forwarded"; else fail "fw/spread: only $busy of $NQ queue pairs forwarded"; fi
in=$(echo "$sumj" | jq -r '.directions[0].in'); out=$(echo "$sumj" | jq -r '.directions[0].out'); bytes=$(echo "$sumj" | jq -r '.directions[0].in_bytes')
if [ "${in:-0}" -gt 0 ] && [ "$out" = "$in" ]; then pass "fw/out: all $in frames received on $IF left $A"; else fail "fw/out: $IF -> $A in '$in', out '$out': $(echo "$sumj" | jq -c .directions[0])"; fi
expect fw/frames "$bytes" $((in * 74)) "bytes in (every frame one of the host's 74-byte UDP packets)"
expect fw/far-end "$FAR_RX" "$out" "frames the far end ($B, every queue) received"
# zero-copy: the NIC's driver may have it; the veth has none. A shared UMEM binds every socket in
# its first one's mode, so the pair must come out in copy mode with a note saying why.
zc=$(jq -r 'if .xdp.supported then (.xdp.zero_copy | tostring) else "unreported" end' /tmp/fw-before.json)
expect fw/copy "$(echo "$start" | jq -r .zero_copy)" false "zero-copy across $IF and a veth"
if [ "$zc" = true ]; then
  if echo "$notes" | grep -q "binds both in its first socket's mode"; then pass "fw/auto-note: $DRV has zero-copy, $A none: auto bound both in copy mode and said why: $(echo "$notes" | cut -c1-160)"
  else fail "fw/auto-note: $DRV has zero-copy and auto bound both in copy mode without the note: '$notes'"; fi
  xdpkit forward "$IF" $A --path afxdp --bind zero-copy --pages normal --frames 1024 --duration 1 > /tmp/fwzc.out 2> /tmp/fwzc.err
  rc=$?
  if [ $rc != 0 ] && grep -q "$A queue 0" /tmp/fwzc.err && grep -q "first socket's mode" /tmp/fwzc.err; then
    pass "fw/zc-refused: --bind zero-copy refused (exit $rc) naming $A and why: $(tail -1 /tmp/fwzc.err | cut -c1-200)"
  else fail "fw/zc-refused: --bind zero-copy gave exit $rc: $(tail -2 /tmp/fwzc.err)"; fi
else
  expect fw/no-note "$notes" "" "notes where $DRV has no zero-copy ($zc)"
fi

# --- the XDP path: every frame the program forwards reaches the far end ---
far_start || { cleanup_veth; finish; }
if fw_bg "$IF" $A /tmp/fwx.json --path xdp; then
  sleep 3; fw_stop
else fail "fw/xdp-start: xdpkit forward --path xdp did not start (exit $FW_RC): $(tail -2 /tmp/fwx.json.err)"; fi
sleep 0.5; far_stop
sumx=$(grep '"type":"summary"' /tmp/fwx.json)
xin=$(echo "$sumx" | jq -r '.directions[0].in'); xout=$(echo "$sumx" | jq -r '.directions[0].out')
if [ "${xin:-0}" -gt 0 ] && [ "$xout" = "$xin" ]; then pass "fw/xdp-out: the XDP path forwarded all $xin frames from $IF to $A"; else fail "fw/xdp-out: in '$xin', out '$xout': $(echo "$sumx" | jq -c .directions)"; fi
expect fw/xdp-far-end "$FAR_RX" "$xout" "frames the far end received from the XDP path"

if [ -n "$tuned" ]; then xk /tmp/revert.out revert "$IF" --journal-dir $J || fail "fw/revert: xdpkit revert failed: $(cat /tmp/xk.err)"; fi
cleanup_veth
xk /tmp/fw-after.json probe "$IF" --json
same_probe fw/probe-identical /tmp/fw-before.json /tmp/fw-after.json "hash fields, RSS table, XDP detached"
ip link set "$IF" down
finish
