# SPDX-License-Identifier: Apache-2.0
# what: fault injection: a driver's ethtool set operation fails half-way through xdpkit tune (tools/rig/fault/ethtool_fault.ko wraps the real driver's ops); tune names the failed step and the error, rolls back every earlier change (probe after == probe before), leaves no journal; when the rollback itself fails the journal stays and `xdpkit revert` finishes the job
# needs: fault-module
# order: 5
# Runs first, on the NIC as booted: on igb the tests that revert an RSS table leave it marked
# user-configured, and the kernel then refuses the fewer channels this test asks for.
. /tests/lib/rig-test.sh
J=$RIG_JOURNAL
P=/sys/module/ethtool_fault/parameters
if [ ! -f /lib/rig/ethtool_fault.ko ]; then
  skip "fault/module: no fault-injection module for $(uname -r): $(cat /etc/rig/fault-module.missing 2>/dev/null)"; finish
fi
if ! insmod /lib/rig/ethtool_fault.ko ifname="$IF" 2>/tmp/insmod.err; then
  fail "fault/module: insmod ethtool_fault.ko ifname=$IF: $(cat /tmp/insmod.err) $(dmesg | grep ethtool_fault | tail -1)"; finish
fi
link_up
param() { cat $P/$1; }
journal_files() { ls $J 2>/dev/null | grep -c "$IF.journal$"; }
xk /tmp/before.json probe "$IF" --json || { fail "fault/probe-before: xdpkit probe failed"; rmmod ethtool_fault; finish; }
cur=$(jq -r .channels.current.combined /tmp/before.json)
n=2; [ "$cur" = 2 ] && n=1
ring=$(jq -r .rings.current.rx /tmp/before.json); r=128; [ "$ring" = 128 ] && r=256
# channels, rings, then the RSS table, whose write fails: the two changes before it must go back
set -- --channels "$n" --rings rx=$r,tx=$r --rss equal 1 --irq-affinity local --journal-dir $J

# tune_fails NAME: runs `xdpkit tune "$@"`, which must fail (exit 1..127); its stderr is in /tmp/xk.err
tune_fails() {
  if xk /tmp/tune.out tune "$IF" "$@"; then fail "$T: xdpkit tune $IF $* succeeded though a failure was injected"; return 1; fi
  rc=$?
  [ $rc -lt 128 ] || { fail "$T: xdpkit tune died (exit $rc): $(cat /tmp/xk.err)"; return 1; }
}
# expect_err NAME TEXT [full]: the error names TEXT (fixed string); "full" shows all of it
expect_err() {
  if ! grep -qF "$2" /tmp/xk.err; then fail "$1: expected '$2' in: $(cat /tmp/xk.err)"
  elif [ "${3:-}" = full ]; then pass "$1: $(tr '\n' ' ' < /tmp/xk.err | cut -c1-300)"
  else pass "$1: the error says '$2'"; fi
}

# 1. the RSS write fails: channels and rings are rolled back by tune itself
T=fault/rss-fails
echo 1 > $P/fail_rxfh
if tune_fails "$@"; then
  expect_err fault/rss-fails "step 'rss' failed: " full
  expect_err fault/rss-errno "Input/output error"
  expect_err fault/rolled-back "rolled back 2 change(s)"
  expect fault/rss-reached "$(param failed_rxfh)/$(param fail_rxfh)" "1/0" "injected set_rxfh failures / countdown left"
  expect fault/no-journal "$(journal_files)" 0 "journals of $IF left in $J"
fi
xk /tmp/after.json probe "$IF" --json
same_probe fault/rss-probe-identical /tmp/before.json /tmp/after.json "after the rollback of channels and rings"

# 2. the RSS write fails and then so does the rollback of the channels: tune says the rollback is
#    incomplete and keeps the journal; `xdpkit revert` then restores what is left
T=fault/rollback-fails
c0=$(param calls_channels)
echo 1 > $P/fail_rxfh; echo 2 > $P/fail_channels
if tune_fails "$@"; then
  expect_err fault/rollback-incomplete "rolled back 1 of 2 change(s); rollback incomplete: step 'revert channels' failed" full
  expect_err fault/rollback-advice "run \`xdpkit revert\` again"
  expect fault/rollback-reached "$(param failed_channels)" 1 "injected set_channels failures (the rollback's)"
  expect fault/journal-kept "$(journal_files)" 1 "journals of $IF left in $J"
  echo "-- journal:"; cat $J/*"$IF".journal 2>/dev/null
  echo "-- state before revert: $(xdpkit probe "$IF" --json | jq -c '{ch: .channels.current.combined, rings: [.rings.current.rx, .rings.current.tx]}')"
  if xk /tmp/revert.out revert "$IF" --journal-dir $J; then pass "fault/revert: $(tr '\n' ' ' < /tmp/revert.out | cut -c1-200)"
  else fail "fault/revert: xdpkit revert after the incomplete rollback failed: $(cat /tmp/xk.err)"; fi
  expect fault/revert-journal "$(journal_files)" 0 "journals of $IF left after revert"
fi
echo "-- set_channels calls in this case: $(( $(param calls_channels) - c0 ))"
xk /tmp/after2.json probe "$IF" --json
same_probe fault/rollback-probe-identical /tmp/before.json /tmp/after2.json "after the incomplete rollback and revert"

# 3. a hash-fields write fails after the channels changed (set_rxnfc, or set_rxfh_fields on kernels
#    that have it): the channels go back. Ask for the fields udp4 does not have now.
T=fault/hash-fails
h0=$(jq -r '.hash_fields.flows.udp4 // "none"' /tmp/before.json)
h=sd; [ "$h0" = sd ] && h=sdfn
echo 1 > $P/fail_rxnfc
if tune_fails --channels "$n" --hash udp4=$h --journal-dir $J; then
  expect_err fault/hash-fails "step 'hash udp4' failed: " full
  expect_err fault/hash-rolled-back "rolled back 1 change(s)"
  expect fault/hash-reached "$(param failed_rxnfc)" 1 "injected rx-flow-hash write failures"
  expect fault/hash-no-journal "$(journal_files)" 0 "journals of $IF left in $J"
fi
xk /tmp/after3.json probe "$IF" --json
same_probe fault/hash-probe-identical /tmp/before.json /tmp/after3.json "after the rollback of the channels"

echo 0 > $P/fail_rxfh; echo 0 > $P/fail_channels; echo 0 > $P/fail_rxnfc
if rmmod ethtool_fault 2>/tmp/rmmod.err; then pass "fault/unload: the driver's ethtool ops are back (rmmod ethtool_fault)"
else fail "fault/unload: rmmod ethtool_fault: $(cat /tmp/rmmod.err)"; fi
ip link set "$IF" down
finish
