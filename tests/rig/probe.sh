# SPDX-License-Identifier: Apache-2.0
# what: xdpkit probe reports the driver's real capabilities (virtio_net, igb): driver, channels, rings, RSS, IRQs, node
. /tests/lib/rig-test.sh
n1=$(rig_arg node1_cpus)
link_up   # igb requests its queue IRQs only when the interface is opened
if ! xk /tmp/probe.json probe "$IF" --json; then fail "probe/json: xdpkit probe $IF --json failed"; finish; fi
P=/tmp/probe.json
# the driver sysfs binds to eth0, and the maxima it is known to offer (CH_MAX, RING_MAX: lib)
expect probe/driver "$(jq -r .driver.name $P)" "$DRV" "(sysfs: /sys/class/net/$IF/device/driver)"
[ -n "$CH_MAX" ] || { fail "probe/known-driver: no expectations for driver '$DRV' in tests/rig/lib/rig-test.sh"; finish; }
max=$(jq -r '.channels.max.combined // 0' $P); cur=$(jq -r '.channels.current.combined // 0' $P)
if [ "$max" -ge 2 ]; then pass "probe/channels: combined max $max, current $cur"; else fail "probe/channels: combined max '$max' ($DRV offers $CH_MAX): $(jq -c .channels $P)"; fi
expect probe/channels-max "$max" "$CH_MAX" "combined max ($DRV)"
expect probe/channels-current "$cur" "$NQ" "combined current = rx queues in sysfs"
if [ "$(jq -r .rss.supported $P)" = true ]; then
  size=$(jq -r .rss.table_size $P); rings=$(jq -r .rss.rx_rings $P)
  bad=$(jq --argjson r "$rings" '[.rss.table[] | select(. >= $r)] | length' $P)
  if [ "$size" -gt 0 ] && [ "$bad" = 0 ]; then pass "probe/rss: indirection table of $size entries over $rings rx rings, key $(jq -r .rss.key_size $P) bytes"
  else fail "probe/rss: table size $size, $bad entries beyond $rings rx rings"; fi
else
  fail "probe/rss: RSS indirection table not reported: $(jq -r .rss.reason $P)"
fi
expect probe/rings-max "$(jq -r '.rings.max.rx' $P)" "$RING_MAX" "rx ring max ($DRV)"
expect probe/numa "$(jq -r .queues.numa_node $P)" 1 "queues.numa_node"
expect probe/local-cpus "$(jq -r .queues.local_cpus $P)" "$n1" "queues.local_cpus"
# virtio_net names its vectors virtio0-input.N (rx) / -output.N (tx); igb eth0-rx-N / eth0-tx-N
# (or eth0-TxRx-N when it pairs them)
rxirq=$(jq '[.queues.irqs[] | select((.direction // "") | test("rx"))] | length' $P)
expect probe/rx-irqs "$rxirq" "$cur" "one rx (or rx+tx) IRQ per current channel"
echo "-- probe .xdp: $(jq -c .xdp $P)"
if [ "$(jq -r .xdp.supported $P)" = true ]; then
  expect probe/xdp-native "$(jq -r .xdp.native $P)" true "XDP native"
else
  # XDP features come from the netdev generic-netlink family, new in Linux 6.3
  kv=$(uname -r | awk -F. '{print $1 * 100 + $2}')
  if [ "$kv" -lt 603 ]; then skip "probe/xdp-native: kernel $(uname -r) has no netdev netlink family (Linux 6.3+), so no XDP feature report: $(jq -r .xdp.reason $P)"
  else fail "probe/xdp-native: XDP features not reported on $(uname -r): $(jq -r .xdp.reason $P)"; fi
fi
ip link set "$IF" down
finish
