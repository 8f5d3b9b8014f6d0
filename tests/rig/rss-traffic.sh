# SPDX-License-Identifier: Apache-2.0
# what: host traffic (64 UDP flows) lands on the queues xdpkit's RSS table and hash fields say (per-queue packet counters); IRQs follow --irq-affinity local
. /tests/lib/rig-test.sh
link_up
nq=$NQ; n1=$(rig_arg node1_cpus)
J=$RIG_JOURNAL
WIN=3
# per CPU: interrupts of all rx queue IRQs (the probe's: virtio0-input.N, igb's eth0-rx-N)
rxcpu() {
  awk -v l=" $RX_IRQS " 'index(l, " " $1 " ") { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) c[i-2] += $i }
    END { for (i = 0; i in c; i++) printf "%d ", c[i] }' /proc/interrupts
}
# delta of a counter function over WIN seconds: "d0 d1 ..."
delta() {
  a=$($1); sleep $WIN; b=$($1)
  echo "$a|$b" | awk -F'|' '{ n = split($1, x, " "); split($2, y, " "); for (i = 1; i <= n; i++) printf "%d ", y[i] - x[i] }'
}
table_queues() { xdpkit probe "$IF" --json | jq -r '.rss.table | unique | map(tostring) | join(" ")'; }

xk /tmp/before.json probe "$IF" --json || { fail "rss/probe-before: xdpkit probe failed"; finish; }
if [ "$(jq -r .rss.supported /tmp/before.json)" != true ]; then
  fail "rss/table: no RSS indirection table on this $DRV: $(jq -r .rss.reason /tmp/before.json)"; finish
fi
# "N:" of every rx (or rx+tx) queue IRQ, as /proc/interrupts names them
RX_IRQS=$(jq -r '[.queues.irqs[] | select((.direction // "") | test("rx")) | "\(.irq):"] | join(" ")' /tmp/before.json)
# The host's 64 flows differ only in the UDP source port: they spread over the table only where
# the driver hashes udp4 on ports too. virtio_net does by default, igb hashes udp4 on addresses
# only (its default; ports need IGB_FLAG_RSS_FIELD_IPV4_UDP): there the test first asks xdpkit for
# udp4=sdfn (journaled; the revert at the end takes it back and the probe must then match again)
h0=$(jq -r '.hash_fields.flows.udp4 // "none"' /tmp/before.json)
if [ "$h0" != sdfn ]; then
  if xk /tmp/tune.out tune "$IF" --hash udp4=sdfn --journal-dir $J; then
    expect rss/hash-ports "$(xdpkit probe "$IF" --json | jq -r .hash_fields.flows.udp4)" sdfn "udp4 hash fields after --hash udp4=sdfn ($DRV hashed udp4 on '$h0')"
  else fail "rss/hash-ports: $DRV hashes udp4 on '$h0' and xdpkit tune --hash udp4=sdfn failed: $(cat /tmp/xk.err)"; finish; fi
fi
# Packets per queue: the driver's per-queue rx packet counters, from ethtool -S (virtio_net on
# 6.1) or netdev netlink qstats (6.12, 7.3: its ethtool -S has none). Failing both, per-queue XDP
# packet counters (rxN_xdp_packets) with xdpkit's XDP program attached while we count (`xdpkit
# run` on queue 0, the other queues passed to the stack); attaching XDP makes virtio_net send
# VQ_PAIRS_SET, which turns RSS off in QEMU's device, and xdpkit writes the table again after it.
# (/proc/interrupts is no packet count: NAPI takes several packets per interrupt, and the queues'
# interrupts were the flaky part of this test.)
stats_snap /tmp/s.json
if has_qcounter /tmp/s.json packets; then FIELD=packets; how="the driver's per-queue rx packet counters"
elif has_qcounter /tmp/s.json xdp_packets; then
  FIELD=xdp_packets; how="per-queue XDP packet counters, xdpkit's XDP program attached"
  if ! run_bg /tmp/counter.json --queue 0 --duration 0 --quiet --wait poll --pages normal --frames 256; then
    fail "rss/counter: xdpkit run (the XDP program that makes the driver count per queue) did not start: $(tail -1 /tmp/counter.json.err)"; finish
  fi
else
  fail "rss/counters: $DRV on $(uname -r) reports neither per-queue packets nor per-queue XDP packets in ethtool -S: $(jq -c 'keys' /tmp/s.json | cut -c1-300)"; finish
fi
echo "-- counting packets per queue by $how ($FIELD)"
rxq() { stats_snap /tmp/s.json && qget /tmp/s.json $FIELD; }
d=$(delta rxq)
if [ "$(sum "$d")" -gt 0 ]; then pass "rss/traffic: host traffic arrives, packets per queue in ${WIN}s: $d"
else fail "rss/traffic: no packets on any rx queue in ${WIN}s: the host-side sender (pktsend) reached nothing"; finish; fi

check_table() {  # NAME TUNE-ARGS...
  name=$1; shift
  if ! xk /tmp/tune.out tune "$IF" "$@" --journal-dir $J; then fail "rss/$name: xdpkit tune $IF $* failed: $(cat /tmp/xk.err)"; return; fi
  sleep 1   # packets already inside QEMU or the guest's rings went by the old table
  want=$(table_queues); d=$(delta rxq); got=$(hot "$d")
  echo "-- $name: table queues [$want], packets per queue $d"
  if [ "$(sum "$d")" -eq 0 ]; then fail "rss/$name: no traffic at all after tune $*"; return; fi
  if [ "$(echo $got)" = "$(echo $want)" ]; then pass "rss/$name: traffic on exactly the table's queues [$want] (packets per queue: $d)"
  else fail "rss/$name: traffic on queues [$(echo $got)], the table names [$want] (packets per queue: $d; the driver says udp4 is hashed on '$(xdpkit probe "$IF" --json | jq -r '.hash_fields.flows.udp4 // "?"')')"; fi
}
check_table equal-2 --rss equal 2
check_table weight-last --rss weight $(awk -v n="$nq" 'BEGIN { for (i = 1; i < n; i++) printf "0 "; print 1 }')
check_table equal-all --rss equal "$nq"

# hash fields: udp4 hashed on addresses only -> the 64 flows (one address pair, 64 source ports)
# all hash alike and land on one queue, though the table spreads them over several. The table
# leaves out queue 0, where virtio_net sends what the device does not hash (its unclassified
# queue): all flows on queue 0 would mean "not hashed at all", not "hashed alike".
if xk /tmp/tune.out tune "$IF" --rss weight 0 $(awk -v n="$nq" 'BEGIN { for (i = 1; i < n; i++) printf "1 " }') --hash udp4=sd --journal-dir $J; then
  expect rss/hash-fields "$(xdpkit probe "$IF" --json | jq -r .hash_fields.flows.udp4)" sd "udp4 hash fields"
  sleep 1
  want=$(table_queues); d=$(delta rxq); got=$(echo $(hot "$d"))
  if [ "$(sum "$d")" -gt 0 ] && [ "$(echo "$got" | wc -w)" = 1 ] && echo " $want " | grep -q " $got "; then
    pass "rss/hash-effect: udp4=sd puts all 64 flows of one address pair on queue $got, one of the table's [$want] (packets per queue: $d)"
  else
    rxh=$(xdpkit probe "$IF" --json | jq -r '.features.list["rx-hashing"] // "not reported"')
    why=""; case $rxh in off*) why="; rx-hashing is '$rxh': virtio-net commits new hash fields to the device only while rxhash is on (and reports them back regardless), so tune --hash must turn rx-hashing on (journaled) or refuse";; esac
    fail "rss/hash-effect: after udp4=sd the flows of one address pair went to queues [$got], expected one queue of the table's [$want] (packets per queue: $d)$why"
  fi
else
  fail "rss/hash-fields: xdpkit tune $IF --rss weight 0 1.. --hash udp4=sd failed: $(cat /tmp/xk.err)"
fi

# IRQ affinity: every queue IRQ on node-1 CPUs, and the interrupts really arrive there
if xk /tmp/tune.out tune "$IF" --irq-affinity local --journal-dir $J; then
  sleep 1   # let each rx IRQ fire once: that interrupt moves its vector to the new CPU
  irq_total() { awk -v i="$1:" '$1 == i { s = 0; for (k = 2; k <= NF && $k ~ /^[0-9]+$/; k++) s += $k; print s }' /proc/interrupts; }
  rx_irqs=$(jq -r '.queues.irqs[] | select((.direction // "") | test("rx")) | .irq' /tmp/before.json)
  for irq in $rx_irqs; do eval "before_$irq=$(irq_total $irq)"; done
  d=$(delta rxcpu); echo "-- interrupts per CPU after --irq-affinity local: $d"
  # affinity of every queue IRQ; effective affinity of the rx IRQs that fired in the window
  # (x86 moves an IRQ's vector at its next interrupt, so an IRQ that stayed idle, such as
  # the queues the hash fields above leave without traffic, may still show the old CPU)
  bad=""
  for irq in $(jq -r '.queues.irqs[] | select(.queue != null) | .irq' /tmp/before.json); do
    a=$(cat /proc/irq/$irq/smp_affinity_list); cpus_within "$a" "$n1" || bad="$bad irq$irq=$a"
  done
  for irq in $rx_irqs; do
    eval "b=\$before_$irq"
    [ "$(irq_total $irq)" -gt "$b" ] || continue
    e=$(cat /proc/irq/$irq/effective_affinity_list); cpus_within "$e" "$n1" || bad="$bad irq$irq(effective)=$e"
  done
  if [ -z "$bad" ]; then pass "rss/irq-affinity: every queue IRQ's affinity, and the effective affinity of the rx IRQs that fired, on node-1 CPUs $n1"
  else fail "rss/irq-affinity: IRQs outside node 1 ($n1):$bad"; fi
  off=$(echo "$d" | awk -v l="$n1" '{ split(l, r, "-"); s = 0; for (i = 1; i <= NF; i++) if (i - 1 < r[1] || i - 1 > r[2]) s += $i; print s }')
  if [ "$(sum "$d")" -gt 0 ] && [ "$off" -eq 0 ]; then pass "rss/irq-cpus: rx interrupts only on node-1 CPUs (per CPU: $d)"
  else fail "rss/irq-cpus: rx interrupts per CPU $d, $off of them off node 1 ($n1)"; fi
else
  fail "rss/irq-affinity: xdpkit tune $IF --irq-affinity local failed: $(cat /tmp/xk.err)"
fi

xk /tmp/revert.out revert "$IF" --journal-dir $J || fail "rss/revert: xdpkit revert failed: $(cat /tmp/xk.err)"
echo "-- revert:"; cat /tmp/revert.out
# after revert the NIC must steer as it did before the tunes, not only read back the same values:
# over exactly the restored table's queues where the restored udp4 hash takes the ports, onto
# one queue of the table where it takes the addresses only (igb's default: h0 above)
sleep 1
want=$(table_queues); d=$(delta rxq); got=$(echo $(hot "$d"))
echo "-- after revert: table queues [$want], udp4 hashed on $h0, packets per queue $d"
if [ "$h0" = sdfn ]; then ok=$([ "$got" = "$(echo $want)" ] && echo y); how="exactly the restored table's queues [$want]"
else ok=$([ "$(echo "$got" | wc -w)" = 1 ] && echo " $want " | grep -q " $got " && echo y); how="one queue of the restored table's [$want] (udp4 hashed on '$h0' again: one address pair, one queue)"; fi
if [ "$(sum "$d")" -gt 0 ] && [ -n "$ok" ]; then pass "rss/revert-traffic: after revert, traffic on $how (packets per queue: $d)"
else
  why=""
  if grep -q 'feature rx-hashing.*on -> off' /tmp/revert.out; then why="; revert turned rx-hashing off again (tune --hash had turned it on), and virtio_net then sets the device's hash types to none, so every packet goes to the unclassified queue 0 while probe still reads the old hash fields back"; fi
  fail "rss/revert-traffic: after revert traffic on queues [$got], expected $how (packets per queue: $d)$why"
fi
run_stop
xk /tmp/after.json probe "$IF" --json
same_probe rss/probe-identical /tmp/before.json /tmp/after.json "RSS table, IRQ affinity"
ip link set "$IF" down
finish
