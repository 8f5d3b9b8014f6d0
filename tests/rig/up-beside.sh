# SPDX-License-Identifier: Apache-2.0
# what: where libxdp's dispatcher works, xdp-filter and xdpkit up share the interface and both count the host's packets; after kill -9 of up, xdpkit clean detaches only xdpkit's program and xdp-filter keeps counting
# order: 13
. /tests/lib/rig-test.sh
link_up
command -v xdp-filter >/dev/null || { skip "beside/xdp-filter: not in this guest (xdp-tools missing on the host)"; finish; }
passed() { xdp-filter status 2>/dev/null | awk '$1 == "XDP_PASS" { print $2 }'; }
if ! xdp-filter load "$IF" --mode native > /tmp/xf.out 2>&1; then
  fail "beside/xdp-filter-load: $(cat /tmp/xf.out)"; finish
fi
cat > /tmp/beside.toml <<TOML
[[interface]]
name = "$IF"
program = "steer"
queues = "all"
cpus = "auto"
[interface.xsk]
wait = "poll"
[interface.umem]
pages = "normal"
TOML
xdpkit up --config /tmp/beside.toml --run-dir /tmp/besiderun --json > /tmp/beside.out 2>/tmp/beside.err &
up=$!
for _ in $(seq 50); do grep -q '"type":"ready"\|"type":"error"' /tmp/beside.out 2>/dev/null && break; sleep 0.2; done
start=$(grep '"type":"start"' /tmp/beside.out)
if [ "$(echo "$start" | jq -r .dispatcher)" != true ]; then
  skip "beside/dispatcher: up did not attach through libxdp's dispatcher here ($(echo "$start" | jq -r .attach_note) $(cat /tmp/beside.err))"
  kill -TERM "$up"; wait "$up"; xdp-filter unload "$IF" >/dev/null 2>&1; finish
fi
pass "beside/dispatcher: up attached beside xdp-filter through libxdp's dispatcher"
xf0=$(passed); sleep 3; xf1=$(passed)
rx=$(grep '"type":"interval"' /tmp/beside.out | tail -1 | jq -r .rx_packets)
if [ "${xf1:-0}" -gt "${xf0:-0}" ]; then pass "beside/xdp-filter-counts: xdp-filter passed $((xf1 - xf0)) packets in 3 s beside up"
else fail "beside/xdp-filter-counts: xdp-filter's XDP_PASS stood at ${xf0:-?} -> ${xf1:-?}"; fi
if [ "${rx:-0}" -gt 0 ]; then pass "beside/up-counts: up's workers had received $rx packets"
else fail "beside/up-counts: up's workers received ${rx:-nothing}: $(tail -2 /tmp/beside.out)"; fi

kill -KILL "$up"; wait "$up"
xk /tmp/clean.json clean --run-dir /tmp/besiderun --json || fail "beside/clean-exit: $(cat /tmp/xk.err)"
cat /tmp/clean.json
expect beside/clean-programs "$(jq -c '[.xdp_programs[] | .name]' /tmp/clean.json)" '["xdpkit_steer"]' "programs clean detached"
expect beside/clean-dispatcher "$(jq -r '.xdp_programs[0].dispatcher' /tmp/clean.json)" true "detached from the dispatcher"
xf2=$(passed); sleep 2; xf3=$(passed)
if [ "${xf3:-0}" -gt "${xf2:-0}" ]; then pass "beside/xdp-filter-after-clean: xdp-filter still counts ($((xf3 - xf2)) in 2 s)"
else fail "beside/xdp-filter-after-clean: xdp-filter's XDP_PASS stood at ${xf2:-?} -> ${xf3:-?} after clean"; fi
xk /tmp/clean2.json clean --run-dir /tmp/besiderun --json
expect beside/clean-again "$(jq -c .xdp_programs /tmp/clean2.json)" "[]" "programs a second clean finds"
xdp-filter unload "$IF" > /tmp/xf.out 2>&1 || fail "beside/xdp-filter-unload: $(cat /tmp/xf.out)"
expect beside/nothing-attached "$(ip link show "$IF" | grep -c 'xdp')" 0 "XDP programs on $IF at the end"
ip link set "$IF" down
finish
