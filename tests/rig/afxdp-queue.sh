# SPDX-License-Identifier: Apache-2.0
# what: xdpkit run on a chosen queue: its AF_XDP socket gets exactly the flows RSS steers there, the other queues none
. /tests/lib/rig-test.sh
J=$RIG_JOURNAL
WIN=3
link_up
Q=$((NQ - 1))                                   # the chosen queue: the last one
W=$(awk -v n="$NQ" 'BEGIN { for (i = 1; i < n; i++) printf "0 "; print 1 }')   # RSS weight: all on Q
xk /tmp/before.json probe "$IF" --json || { fail "afxdp/probe-before: xdpkit probe failed"; finish; }
stats_snap /tmp/s0.json
# Packets per queue while XDP is attached: virtio_net counts what its XDP program saw and
# redirected per queue (xdp_packets, xdp_redirects); igb counts every received frame per queue
# (rx_queue_N_packets, XDP-handled frames included) and has no per-queue redirect counter, so
# there the worker's own count is held against the queue's packets (check_received).
if has_qcounter /tmp/s0.json xdp_packets; then PKT=xdp_packets
elif has_qcounter /tmp/s0.json packets; then PKT=packets
else fail "afxdp/counters: $DRV on $(uname -r) has neither per-queue xdp_packets nor packets in ethtool -S"; finish; fi
RED=; has_qcounter /tmp/s0.json xdp_redirects && RED=xdp_redirects
echo "-- per-queue counters: packets by $PKT, redirects by ${RED:-none (the driver has no per-queue redirect counter)}"
# window: counters per queue over WIN seconds, after a settling second (packets already in the
# rings went by the previous steering); sets D_PKT, D_RED (empty without a redirect counter)
window() {
  sleep 1; stats_snap /tmp/w0.json; sleep $WIN; stats_snap /tmp/w1.json
  D_PKT=$(vsub "$(qget /tmp/w0.json $PKT)" "$(qget /tmp/w1.json $PKT)")
  D_RED=; [ -n "$RED" ] && D_RED=$(vsub "$(qget /tmp/w0.json $RED)" "$(qget /tmp/w1.json $RED)")
}

if ! xk /tmp/tune.out tune "$IF" --rss weight $W --journal-dir $J; then fail "afxdp/rss: xdpkit tune $IF --rss weight $W failed: $(cat /tmp/xk.err)"; finish; fi
# one worker on Q; packets of the other queues are dropped by the XDP program (counted per queue)
stats_snap /tmp/r0.json
if ! run_bg /tmp/run.json --queue $Q --duration 0 --wait poll --pages normal --frames 1024 --no-socket drop; then
  fail "afxdp/run: xdpkit run --iface $IF --queue $Q did not start: $(tail -1 /tmp/run.json.err)"; finish
fi
echo "-- start: $(head -1 /tmp/run.json)"
stats_snap /tmp/ra.json   # from here the worker is bound and its fill ring primed

# The table after the attach. virtio_net sends VQ_PAIRS_SET when an XDP program is attached
# (virtnet_xdp_set -> virtnet_set_queues, even with an unchanged queue count), and QEMU's device
# turns RSS off on any MQ command but an RSS write, so the tap's own flow hash would spread the
# flows over every queue while `ethtool -x` still shows the table. xdpkit writes the table again
# after its attach (and after its detach) for drivers known to do this, and says so.
note=$(head -1 /tmp/run.json | jq -r '.rss_note // ""')
if [ "$DRV" = virtio_net ]; then
  case $note in
    *"written again after the XDP attach"*) pass "afxdp/rss-note: xdpkit says it wrote the table again: $note";;
    *) fail "afxdp/rss-note: xdpkit's start line has no note of writing the RSS table again (rss_note '$note')";;
  esac
elif [ -z "$note" ]; then pass "afxdp/rss-note: $DRV keeps its RSS table across an XDP attach and xdpkit wrote nothing again (afxdp/steered checks the table still steers)"
else fail "afxdp/rss-note: xdpkit wrote the table again on $DRV, which is not known to lose it: '$note'"; fi
window
echo "-- after the attach: xdp packets per queue $D_PKT, redirected to AF_XDP $D_RED"
if [ "$(hot "$D_PKT")" = "$Q" ]; then pass "afxdp/steered: in ${WIN}s after the attach every packet arrived on queue $Q, none on the others (packets per queue: $D_PKT)"
else fail "afxdp/steered: packets on queues [$(hot "$D_PKT")] after the attach, the table names only $Q (packets per queue: $D_PKT)"; fi
pq=$(echo $D_PKT | awk -v q=$Q '{ print $(q + 1) }')
if [ -n "$RED" ]; then
  rq=$(echo $D_RED | awk -v q=$Q '{ print $(q + 1) }')
  if [ "$pq" -gt 0 ] && [ "$rq" = "$pq" ] && [ "$(hot "$D_RED")" = "$Q" ]; then pass "afxdp/redirected: all $pq packets of queue $Q went to its AF_XDP socket, no other queue redirected any"
  else fail "afxdp/redirected: queue $Q saw $pq packets, $rq redirected to AF_XDP; redirects per queue $D_RED"; fi
else
  skip "afxdp/redirected: $DRV counts no XDP redirects per queue; afxdp/received holds the worker's count against queue $Q's packets instead"
fi

stats_snap /tmp/rb.json   # the worker is still bound
run_stop
stats_snap /tmp/r1.json
# After the detach (which sends VQ_PAIRS_SET again on virtio_net) the table must still steer.
# Counted with the driver's plain per-queue packet counters: ethtool -S (igb; virtio_net on 6.1)
# or netdev qstats (virtio_net on 6.12 and 7.3).
if has_qcounter /tmp/r1.json packets; then
  sleep 1; stats_snap /tmp/d0.json; sleep $WIN; stats_snap /tmp/d1.json
  D=$(vsub "$(qget /tmp/d0.json packets)" "$(qget /tmp/d1.json packets)")
  if [ "$(hot "$D")" = "$Q" ]; then pass "afxdp/rss-after-detach: after xdpkit detached, every packet still arrives on queue $Q (packets per queue: $D)"
  else fail "afxdp/rss-after-detach: after xdpkit detached, packets on queues [$(hot "$D")], the table names only $Q (packets per queue: $D)"; fi
else
  skip "afxdp/rss-after-detach: no per-queue packet counters on $(uname -r), neither in ethtool -S nor in netdev qstats"
fi
sumj=$(grep '"type":"summary"' /tmp/run.json)
echo "-- summary: $sumj"
if [ -z "$sumj" ]; then fail "afxdp/summary: xdpkit run printed no summary: $(tail -3 /tmp/run.json.err)"
else
  check_received afxdp $Q "$sumj" /tmp/r0.json /tmp/r1.json worker /tmp/ra.json /tmp/rb.json
fi
xk /tmp/revert.out revert "$IF" --journal-dir $J || fail "afxdp/revert: xdpkit revert failed: $(cat /tmp/xk.err)"
xk /tmp/after.json probe "$IF" --json
same_probe afxdp/probe-identical /tmp/before.json /tmp/after.json "RSS table, XDP detached"
ip link set "$IF" down
finish
