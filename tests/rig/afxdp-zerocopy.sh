# SPDX-License-Identifier: Apache-2.0
# what: AF_XDP zero-copy: xdpkit run --bind zero-copy binds and receives where the driver reports xsk-zerocopy (virtio_net on 7.3 with iommu_platform=on), and is refused where it says it cannot
. /tests/lib/rig-test.sh
link_up
Q=$((NQ - 1))
J=$RIG_JOURNAL
xk /tmp/before.json probe "$IF" --json || { fail "zc/probe-before: xdpkit probe failed"; finish; }
# every flow to queue Q, whatever the driver hashes udp4 on (igb: addresses only, so the 64 flows
# would all land on one queue of its choice); the revert at the end takes the table back
W=$(awk -v n="$NQ" 'BEGIN { for (i = 1; i < n; i++) printf "0 "; print 1 }')
xk /tmp/tune.out tune "$IF" --rss weight $W --journal-dir $J || { fail "zc/rss: xdpkit tune $IF --rss weight $W failed: $(cat /tmp/xk.err)"; finish; }
# the driver's word: netdev netlink xdp-features (6.3+); none on older kernels
zc=$(jq -r 'if .xdp.supported then (.xdp.zero_copy | tostring) else "unreported" end' /tmp/before.json)
echo "-- xdp features: $(jq -c .xdp /tmp/before.json)"
stats_snap /tmp/z0.json
# in the background, so the driver's counters can also be read while the socket is surely bound
# (check_received needs that where the driver counts no redirects per queue: igb)
if run_bg /tmp/zc.json --queue $Q --bind zero-copy --duration 0 --wait poll --pages normal --frames 1024 --no-socket drop; then
  stats_snap /tmp/za.json; sleep 5; stats_snap /tmp/zb.json
  run_stop
fi
rc=$RUN_RC
stats_snap /tmp/z1.json
S=$(grep '"type":"start"' /tmp/zc.json); sumj=$(grep '"type":"summary"' /tmp/zc.json)
echo "-- zero-copy run: exit $rc; start: $S"; echo "-- stderr: $(tail -2 /tmp/zc.json.err)"
bound=$(echo "$S" | jq -r '.zero_copy // false' 2>/dev/null)

if [ "$zc" = true ] || { [ "$zc" = unreported ] && [ $rc = 0 ]; }; then
  if [ $rc != 0 ] || [ "$bound" != true ]; then
    fail "zc/bind: the driver reports xsk-zerocopy but xdpkit run --bind zero-copy on queue $Q: exit $rc, zero_copy '$bound': $(tail -1 /tmp/zc.json.err)"; finish
  fi
  pass "zc/bind: queue $Q bound in zero-copy mode ($(echo "$S" | jq -r .xdp_mode) XDP, driver $(jq -r .driver.name /tmp/before.json))"
  check_received zc $Q "$sumj" /tmp/z0.json /tmp/z1.json "zero-copy worker" /tmp/za.json /tmp/zb.json
elif [ "$zc" = false ]; then
  # the driver says no: the bind must be refused with an error, never fall back to copy silently
  if [ $rc != 0 ] && [ $rc -lt 128 ]; then pass "zc/refused: the driver reports no xsk-zerocopy and xdpkit run --bind zero-copy refused (exit $rc): $(tail -1 /tmp/zc.json.err | cut -c1-200)"
  else fail "zc/refused: the driver reports no xsk-zerocopy, yet --bind zero-copy gave exit $rc, zero_copy '$bound'"; fi
else
  skip "zc/bind: $(uname -r) reports no XDP features (netdev netlink is 6.3+) and refused the zero-copy bind (exit $rc: $(tail -1 /tmp/zc.json.err | cut -c1-160)): no zero-copy here"
fi
xk /tmp/revert.out revert "$IF" --journal-dir $J || fail "zc/revert: xdpkit revert failed: $(cat /tmp/xk.err)"
xk /tmp/after.json probe "$IF" --json
same_probe zc/probe-identical /tmp/before.json /tmp/after.json "RSS table reverted, XDP detached, sockets closed"
ip link set "$IF" down
finish
