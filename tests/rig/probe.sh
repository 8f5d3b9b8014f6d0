# what: xdpkit probe reports virtio-net's real capabilities: driver, channels, rings, RSS, IRQs, node
. /tests/lib/rig-test.sh
nq=$(rig_arg queues); n1=$(rig_arg node1_cpus)
if ! xk /tmp/probe.json probe "$IF" --json; then fail "probe/json: xdpkit probe $IF --json failed"; finish; fi
P=/tmp/probe.json
expect probe/driver "$(jq -r .driver.name $P)" virtio_net
max=$(jq -r '.channels.max.combined // 0' $P); cur=$(jq -r '.channels.current.combined // 0' $P)
if [ "$max" -ge 2 ]; then pass "probe/channels: combined max $max, current $cur"; else fail "probe/channels: combined max '$max' (QEMU gave $nq queue pairs): $(jq -c .channels $P)"; fi
expect probe/channels-max "$max" "$nq" "combined max = QEMU's queue pairs"
if [ "$(jq -r .rss.supported $P)" = true ]; then
  size=$(jq -r .rss.table_size $P); rings=$(jq -r .rss.rx_rings $P)
  bad=$(jq --argjson r "$rings" '[.rss.table[] | select(. >= $r)] | length' $P)
  if [ "$size" -gt 0 ] && [ "$bad" = 0 ]; then pass "probe/rss: indirection table of $size entries over $rings rx rings, key $(jq -r .rss.key_size $P) bytes"
  else fail "probe/rss: table size $size, $bad entries beyond $rings rx rings"; fi
else
  fail "probe/rss: RSS indirection table not reported: $(jq -r .rss.reason $P)"
fi
expect probe/rings-max "$(jq -r '.rings.max.rx' $P)" 256 "rx ring max"
expect probe/numa "$(jq -r .queues.numa_node $P)" 1 "queues.numa_node"
expect probe/local-cpus "$(jq -r .queues.local_cpus $P)" "$n1" "queues.local_cpus"
rxirq=$(jq '[.queues.irqs[] | select(.direction == "rx")] | length' $P)
expect probe/rx-irqs "$rxirq" "$cur" "one rx IRQ per current channel"
echo "-- probe .xdp: $(jq -c .xdp $P)"
if [ "$(jq -r .xdp.supported $P)" = true ]; then
  expect probe/xdp-native "$(jq -r .xdp.native $P)" true "XDP native"
else
  # XDP features come from the netdev generic-netlink family, new in Linux 6.3
  kv=$(uname -r | awk -F. '{print $1 * 100 + $2}')
  if [ "$kv" -lt 603 ]; then skip "probe/xdp-native: kernel $(uname -r) has no netdev netlink family (Linux 6.3+), so no XDP feature report: $(jq -r .xdp.reason $P)"
  else fail "probe/xdp-native: XDP features not reported on $(uname -r): $(jq -r .xdp.reason $P)"; fi
fi
finish
