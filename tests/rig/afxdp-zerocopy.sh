# what: AF_XDP zero-copy: xdpkit run --bind zero-copy binds and receives where the driver reports xsk-zerocopy (7.3, iommu_platform=on), and is refused where it says it cannot
. /tests/lib/rig-test.sh
ip link set "$IF" up
Q=$((NQ - 1))
xk /tmp/before.json probe "$IF" --json || { fail "zc/probe-before: xdpkit probe failed"; finish; }
# the driver's word: netdev netlink xdp-features (6.3+); none on older kernels
zc=$(jq -r 'if .xdp.supported then (.xdp.zero_copy | tostring) else "unreported" end' /tmp/before.json)
echo "-- xdp features: $(jq -c .xdp /tmp/before.json)"
stats_snap /tmp/z0.json
xdpkit run --iface "$IF" --queue $Q --bind zero-copy --duration 5 --wait poll --pages normal --frames 1024 --no-socket drop --json > /tmp/zc.json 2> /tmp/zc.err
rc=$?
stats_snap /tmp/z1.json
S=$(grep '"type":"start"' /tmp/zc.json); sumj=$(grep '"type":"summary"' /tmp/zc.json)
echo "-- zero-copy run: exit $rc; start: $S"; echo "-- stderr: $(tail -2 /tmp/zc.err)"
bound=$(echo "$S" | jq -r '.zero_copy // false' 2>/dev/null)

if [ "$zc" = true ] || { [ "$zc" = unreported ] && [ $rc = 0 ]; }; then
  if [ $rc != 0 ] || [ "$bound" != true ]; then
    fail "zc/bind: the driver reports xsk-zerocopy but xdpkit run --bind zero-copy on queue $Q: exit $rc, zero_copy '$bound': $(tail -1 /tmp/zc.err)"; finish
  fi
  pass "zc/bind: queue $Q bound in zero-copy mode ($(echo "$S" | jq -r .xdp_mode) XDP, driver $(jq -r .driver.name /tmp/before.json))"
  red=$(vsub "$(qget /tmp/z0.json xdp_redirects)" "$(qget /tmp/z1.json xdp_redirects)" | awk -v q=$Q '{ print $(q + 1) }')
  rx=$(echo "$sumj" | jq -r --argjson q $Q '.queues[] | select(.queue == $q) | .rx_packets')
  bytes=$(echo "$sumj" | jq -r --argjson q $Q '.queues[] | select(.queue == $q) | .rx_bytes')
  kd=$(echo "$sumj" | jq -r .kernel_drops)
  # queue Q's share of the 64 flows, straight into the UMEM; at most 8 left in the ring at stop
  if [ -n "$rx" ] && [ "$rx" -gt 0 ] && [ "$kd" = 0 ] && [ "$rx" -le "$red" ] && [ $((red - rx)) -le 8 ]; then
    pass "zc/received: the zero-copy worker on queue $Q received $rx of the $red packets the driver redirected, kernel drops 0"
  else fail "zc/received: worker rx '$rx', driver redirects on queue $Q '$red', kernel drops '$kd'"; fi
  if [ -n "$bytes" ] && [ "$rx" -gt 0 ] && [ "$bytes" = $((rx * 74)) ]; then pass "zc/frames: all $rx frames are the host's UDP flows (74 bytes each)"
  else fail "zc/frames: $rx frames, $bytes bytes: not all 74-byte frames of the host's flows"; fi
elif [ "$zc" = false ]; then
  # the driver says no: the bind must be refused with an error, never fall back to copy silently
  if [ $rc != 0 ] && [ $rc -lt 128 ]; then pass "zc/refused: the driver reports no xsk-zerocopy and xdpkit run --bind zero-copy refused (exit $rc): $(tail -1 /tmp/zc.err | cut -c1-200)"
  else fail "zc/refused: the driver reports no xsk-zerocopy, yet --bind zero-copy gave exit $rc, zero_copy '$bound'"; fi
else
  skip "zc/bind: $(uname -r) reports no XDP features (netdev netlink is 6.3+) and refused the zero-copy bind (exit $rc: $(tail -1 /tmp/zc.err | cut -c1-160)): no zero-copy here"
fi
xk /tmp/after.json probe "$IF" --json
same_probe zc/probe-identical /tmp/before.json /tmp/after.json "XDP detached, sockets closed"
ip link set "$IF" down
finish
