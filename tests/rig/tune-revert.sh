# SPDX-License-Identifier: Apache-2.0
# what: xdpkit tune changes channels (and rings, RSS, IRQ affinity) and revert restores probe byte for byte
# order: 10
# Runs before the tests that tune and revert the RSS table: on igb their revert leaves the table
# marked user-configured (see tools/rig/README.md), and the kernel then refuses fewer channels
# than the table names, which this test needs on a NIC as booted.
. /tests/lib/rig-test.sh
n1=$(rig_arg node1_cpus)
J=$RIG_JOURNAL
# up, as a NIC in use is: igb requests its queue IRQs and sets its real queue count at open
link_up
xk /tmp/before.json probe "$IF" --json || { fail "tune/probe-before: xdpkit probe failed"; finish; }
max=$(jq -r '.channels.max.combined' /tmp/before.json); cur=$(jq -r '.channels.current.combined' /tmp/before.json)
n=2; [ "$cur" = 2 ] && n=1
# channels alone
if xk /tmp/tune.out tune "$IF" --channels "$n" --journal-dir $J; then
  xk /tmp/mid.json probe "$IF" --json
  expect tune/channels "$(jq -r .channels.current.combined /tmp/mid.json)" "$n" "combined after --channels $n (max $max, was $cur)"
  expect tune/channels-rx-queues "$(jq '.queues.rx | length' /tmp/mid.json)" "$n" "rx queues in sysfs after --channels $n"
else
  fail "tune/channels: xdpkit tune $IF --channels $n failed: $(cat /tmp/xk.err)"
fi
echo "-- tune --channels $n:"; cat /tmp/tune.out
if xk /tmp/revert.out revert "$IF" --journal-dir $J; then pass "tune/revert: $(tr '\n' ' ' < /tmp/revert.out | cut -c1-200)"
else fail "tune/revert: xdpkit revert $IF failed: $(cat /tmp/xk.err)"; fi
echo "-- revert:"; cat /tmp/revert.out
xk /tmp/after.json probe "$IF" --json
same_probe tune/probe-identical /tmp/before.json /tmp/after.json "channels"

# several steps at once: channels, rings, RSS, IRQ affinity; then revert everything
set -- --channels "$n" --rings rx=128,tx=128 --rss equal 1 --irq-affinity local
if xk /tmp/tune2.out tune "$IF" "$@" --journal-dir $J; then
  xk /tmp/mid2.json probe "$IF" --json
  expect tune/multi-channels "$(jq -r .channels.current.combined /tmp/mid2.json)" "$n" "combined"
  expect tune/multi-rings "$(jq -c '[.rings.current.rx, .rings.current.tx]' /tmp/mid2.json)" "[128,128]" "rx,tx rings"
  expect tune/multi-rss "$(jq -c '.rss.table | unique' /tmp/mid2.json)" "[0]" "RSS table after equal 1"
  aff=$(jq -r '[.queues.irqs[] | select(.queue != null) | .affinity] | join(",")' /tmp/mid2.json)
  if cpus_within "$aff" "$n1"; then pass "tune/multi-irq-affinity: queue IRQs on node-1 CPUs ($aff)"
  else fail "tune/multi-irq-affinity: queue IRQ affinities '$aff' not within node 1 ($n1)"; fi
else
  fail "tune/multi: xdpkit tune $IF $* failed: $(cat /tmp/xk.err)"
fi
echo "-- tune $*:"; cat /tmp/tune2.out; echo "-- journal:"; cat $J/* 2>/dev/null
xk /tmp/revert2.out revert "$IF" --journal-dir $J || fail "tune/multi-revert: xdpkit revert failed: $(cat /tmp/xk.err)"
echo "-- revert:"; cat /tmp/revert2.out
xk /tmp/after2.json probe "$IF" --json
same_probe tune/multi-probe-identical /tmp/before.json /tmp/after2.json "channels, rings, RSS, IRQs"
# The same probe is not all: the kernel marks a table written with ETHTOOL_SRSSH "user-configured"
# (unseen by probe) and then refuses fewer channels than it names. A default spread before the
# tune must come back as the default (a reset), so the channels can drop again afterwards.
if [ "$(jq -r .rss.default_spread /tmp/before.json)" = true ]; then
  if xk /tmp/tune5.out tune "$IF" --channels "$n" --journal-dir $J; then
    pass "tune/channels-after-revert: --channels $n is taken again after the revert (the default table came back as the default, not as a user table)"
    xk /tmp/revert5.out revert "$IF" --journal-dir $J || fail "tune/channels-after-revert: revert failed: $(cat /tmp/xk.err)"
  else
    fail "tune/channels-after-revert: --channels $n refused after the revert of channels + RSS: $(cat /tmp/xk.err)"
  fi
else
  skip "tune/channels-after-revert: $DRV boots with a table that is not ethtool's default spread, so revert writes it back as a user table (no uAPI restores the driver's own without the mark; see tools/rig/README.md)"
fi

# A configured RSS table, then more channels (two tunes, one journal): igb spreads even a
# configured table over the raised count, and the kernel refuses fewer queues than such a table
# names; revert must still get back to the start (it resets the driver's table, then restores ours).
cur=$(jq -r .channels.current.combined /tmp/before.json); max=$(jq -r .channels.max.combined /tmp/before.json)
if [ "$cur" -gt 0 ] && [ "$cur" -lt "$max" ]; then
  up=$((cur + 1))
  if xk /tmp/tune3.out tune "$IF" --rss equal "$cur" --journal-dir $J && xk /tmp/tune4.out tune "$IF" --channels "$up" --journal-dir $J; then
    echo "-- after --rss equal $cur, --channels $up: $(xdpkit probe "$IF" --json | jq -c '.rss.table | unique')"
    if xk /tmp/revert3.out revert "$IF" --journal-dir $J; then pass "tune/revert-raised: $(tr '\n' ' ' < /tmp/revert3.out | cut -c1-240)"
    else fail "tune/revert-raised: xdpkit revert after --rss equal $cur and --channels $up failed: $(cat /tmp/xk.err)"; fi
    xk /tmp/after3.json probe "$IF" --json
    same_probe tune/revert-raised-probe-identical /tmp/before.json /tmp/after3.json "RSS table, channels"
  else
    fail "tune/raised: xdpkit tune $IF --rss equal $cur then --channels $up failed: $(cat /tmp/xk.err)"
  fi
else
  skip "tune/revert-raised: $DRV on $(uname -r) runs all $max channels already: no room to raise them"
fi
ip link set "$IF" down
finish
