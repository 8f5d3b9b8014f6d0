# SPDX-License-Identifier: Apache-2.0
# what: where libxdp's dispatcher works, a killed xdpkit's dispatcher whose interface is then deleted leaves libxdp's bpffs pins; xdpkit clean removes them when every program there is xdpkit's, and leaves (and names) a dead dispatcher of xdp-filter's
# order: 14
. /tests/lib/rig-test.sh
pins() { ls -d /sys/fs/bpf/xdp/dispatch-* 2>/dev/null; }
before=$(pins | wc -l)
ip link add xkp0 type veth peer name xkp1 || { fail "pins/veth: the guest cannot make a veth pair"; finish; }
ip link set xkp0 up; ip link set xkp1 up
xdpkit run --iface xkp0 --pages normal --duration 30 --json > /tmp/pins.out 2>/tmp/pins.err &
run=$!
for _ in $(seq 50); do grep -q '"type":"start"\|"type":"error"' /tmp/pins.out 2>/dev/null && break; sleep 0.2; done
start=$(grep '"type":"start"' /tmp/pins.out)
if [ "$(echo "$start" | jq -r .dispatcher)" != true ]; then
  skip "pins/dispatcher: run did not attach through libxdp's dispatcher here ($(echo "$start" | jq -r .attach_note) $(cat /tmp/pins.err))"
  kill -TERM "$run"; wait "$run"; ip link del xkp0; finish
fi
kill -KILL "$run"; wait "$run"
ip link del xkp0
mine=$(pins | wc -l)
expect pins/left "$mine" $((before + 1)) "dispatcher pin directories after kill -9 and the veth deleted"
xk /tmp/clean.json clean --json || fail "pins/clean-exit: $(cat /tmp/xk.err)"
cat /tmp/clean.json
expect pins/clean-removed "$(jq -c '[.dispatcher_pins[] | .programs[]]' /tmp/clean.json)" '["xdpkit_steer"]' "the pinned programs clean removed"
expect pins/gone "$(pins | wc -l)" "$before" "dispatcher pin directories after clean"

# Another's: xdp-filter's dispatcher, its veth deleted, is left and named.
if command -v xdp-filter >/dev/null; then
  ip link add xkq0 type veth peer name xkq1; ip link set xkq0 up; ip link set xkq1 up
  if xdp-filter load xkq0 --mode native > /tmp/xf.out 2>&1; then
    ip link del xkq0
    theirs=$(pins | tail -1)
    xk /tmp/clean2.json clean --json || fail "pins/clean2-exit: $(cat /tmp/xk.err)"
    expect pins/others-kept "$(jq -c '.dispatcher_pins' /tmp/clean2.json)" '[]' "pins clean removed with xdp-filter's dispatcher dead"
    expect pins/others-named "$(jq -r '[.left[] | select(.pins != null) | .pins] | join(",")' /tmp/clean2.json)" "$theirs" "the dead dispatcher clean names and leaves"
    [ -d "$theirs" ] && pass "pins/others-there: $theirs is still there" || fail "pins/others-there: $theirs was removed"
    rm -r "$theirs"
  else
    fail "pins/xdp-filter-load: $(cat /tmp/xf.out)"
  fi
else
  skip "pins/others: xdp-filter is not in this guest"
fi
finish
