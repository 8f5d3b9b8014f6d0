# SPDX-License-Identifier: Apache-2.0
# what: xdpkit run --queue all binds every rx queue the driver has, a worker each, and each worker receives the flows RSS sends its queue: every queue that got packets has a worker that got them, per queue as the driver counted
# order: 15
. /tests/lib/rig-test.sh
J=$RIG_JOURNAL
link_up
xk /tmp/all-before.json probe "$IF" --json || { fail "all/probe-before: xdpkit probe failed"; finish; }
# The host's 64 flows differ in their ports only: a driver that hashes udp4 on the addresses
# alone (igb's default) puts them all on one queue. Hash the ports too (journaled, reverted below).
h0=$(jq -r '.hash_fields.flows.udp4 // empty' /tmp/all-before.json)
tuned=
if [ -n "$h0" ] && [ "$h0" != sdfn ]; then
  xk /tmp/tune.out tune "$IF" --hash udp4=sdfn --journal-dir $J || { fail "all/hash: tune --hash udp4=sdfn failed: $(cat /tmp/xk.err)"; finish; }
  tuned=1
fi
ncpu=$(nproc)
cpus=""; for q in $(seq 0 $((NQ - 1))); do cpus="$cpus --cpu $((q % ncpu))"; done
stats_snap /tmp/a0.json
# shellcheck disable=SC2086 # one --cpu per queue
if ! run_bg /tmp/all.json --queue all $cpus --duration 0 --wait poll --pages normal --frames 1024; then
  fail "all/run: xdpkit run --queue all did not start: $(tail -1 /tmp/all.json.err)"; finish
fi
start=$(head -1 /tmp/all.json)
echo "-- start: $start"
expect all/queues "$(echo "$start" | jq -c '.queues')" "$(seq 0 $((NQ - 1)) | jq -sc .)" "queues bound (the driver's $NQ)"
stats_snap /tmp/aa.json
sleep 3
stats_snap /tmp/ab.json
run_stop
stats_snap /tmp/a1.json
sumj=$(grep '"type":"summary"' /tmp/all.json)
if [ -z "$sumj" ]; then fail "all/summary: no summary: $(tail -3 /tmp/all.json.err)"; finish; fi
expect all/exit "$RUN_RC" 0 "exit code after SIGTERM"
# Per queue, against the driver's own count (redirects to AF_XDP where it has them, virtio_net;
# else packets, XDP frames included, igb): the worker got no more than the queue had in the whole
# run, and all but at most 8 of what arrived while every worker was surely bound. (The whole-run
# count is no lower bound here: four sockets take longer to close than one, and what the program
# redirects between a worker's stop and the detach stays in that socket's ring.)
if has_qcounter /tmp/a0.json xdp_redirects; then C=xdp_redirects; else C=packets; fi
wide=$(vsub "$(qget /tmp/a0.json $C)" "$(qget /tmp/a1.json $C)")
narrow=$(vsub "$(qget /tmp/aa.json $C)" "$(qget /tmp/ab.json $C)")
echo "-- driver $C per queue: whole run $wide, while bound $narrow"
busy=0
for q in $(seq 0 $((NQ - 1))); do
  rx=$(echo "$sumj" | jq -r --argjson q "$q" '.queues[] | select(.queue == $q) | .rx_packets')
  w=$(echo $wide | awk -v q=$q '{ print $(q + 1) }'); n=$(echo $narrow | awk -v q=$q '{ print $(q + 1) }')
  if [ -n "$rx" ] && [ "$rx" -le "$w" ] && [ "$rx" -ge $((n - 8)) ]; then
    pass "all/q$q: the worker on queue $q received $rx packets: no more than the $w of the whole run, all but at most 8 of the $n while bound ($C)"
  else fail "all/q$q: worker rx '$rx'; the driver's $C on queue $q: $w in the whole run, $n while bound"; fi
  bytes=$(echo "$sumj" | jq -r --argjson q "$q" '.queues[] | select(.queue == $q) | .rx_bytes')
  expect "all/q$q-frames" "$bytes" $((rx * 74)) "bytes on queue $q (every frame one of the host's 74-byte UDP packets)"
  [ "${rx:-0}" -gt 0 ] && busy=$((busy + 1))
done
expect all/kernel-drops "$(echo "$sumj" | jq -r .kernel_drops)" 0 "kernel drops (rx ring full, no fill frames)"
# The host sends 64 flows: RSS spreads them, so more than one worker has work.
if [ "$busy" -gt 1 ]; then pass "all/spread: $busy of $NQ workers received packets"
else fail "all/spread: only $busy of $NQ workers received packets"; fi
if [ -n "$tuned" ]; then
  xk /tmp/revert.out revert "$IF" --journal-dir $J || fail "all/revert: xdpkit revert failed: $(cat /tmp/xk.err)"
fi
xk /tmp/all-after.json probe "$IF" --json
same_probe all/probe-identical /tmp/all-before.json /tmp/all-after.json "hash fields, RSS table, XDP detached"
ip link set "$IF" down
finish
