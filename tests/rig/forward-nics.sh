# SPDX-License-Identifier: Apache-2.0
# what: xdpkit forward between two zero-copy NICs (eth0 and a second virtio-net, eth1, whose frames a bridge on the host side carries to a third, eth2; skipped where the driver has no zero-copy): the AF_XDP path on every queue, zero-copy on both NICs (one UMEM per queue pair shared by two zero-copy sockets), every frame received on eth0 leaves eth1 and arrives on eth2, the frame accounting whole; then the XDP path between the two NICs the same
# needs: forward-nics
# order: 17
. /tests/lib/rig-test.sh
by_mac() { for d in /sys/class/net/*; do [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && basename "$d"; done; }
fmac=$(rig_arg fwd_mac) cmac=$(rig_arg far_mac)
if [ -z "$fmac" ]; then skip "fwn/nics: this guest has one NIC ($DRV): the rig adds the forwarding NICs on virtio only"; finish; fi
i=0; while [ -z "$(by_mac "$cmac")" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
B=$(by_mac "$fmac") C=$(by_mac "$cmac")
[ -n "$B" ] && [ -n "$C" ] || { fail "fwn/nics: no interface with MAC $fmac ('$B') or $cmac ('$C')"; finish; }
expect fwn/eth0 "$(cat /sys/class/net/"$IF"/address)" 52:54:00:00:00:10 "the rig's first NIC is still $IF"
link_up
# no IPv6 on the two: their router solicitations would cross the bridge beside the forwarded frames.
# C takes every frame (QEMU's virtio-net filters unicast by MAC unless the guest asks for promisc):
# the forwarded frames still carry eth0's MAC
for i in $B $C; do echo 1 > /proc/sys/net/ipv6/conf/$i/disable_ipv6; done
ip link set "$C" promisc on
ip link set "$B" up; ip link set "$C" up
xk /tmp/fwn-a.json probe "$IF" --json || { fail "fwn/probe: xdpkit probe $IF failed"; finish; }
xk /tmp/fwn-b.json probe "$B" --json || { fail "fwn/probe: xdpkit probe $B failed"; finish; }
zc_of() { jq -r 'if .xdp.supported then (.xdp.zero_copy | tostring) else "unreported" end' "$1"; }
za=$(zc_of /tmp/fwn-a.json) zb=$(zc_of /tmp/fwn-b.json)
nb=$(ls -d /sys/class/net/"$B"/queues/rx-* | wc -l)
expect fwn/queues-b "$nb" "$NQ" "rx queues of $B (as many as $IF)"
ncpu=$(nproc)
cpus=""; for q in $(seq 0 $((NQ - 1))); do cpus="$cpus --cpu $((q % ncpu))"; done
far() { cat /sys/class/net/"$C"/statistics/rx_packets; }

# Where the driver has no zero-copy the test ends here: the copy-mode paths between two interfaces
# are forward.sh's (NIC and veth) and the host suite's, and the rig's time is kept for the rest
# (~25 s a guest).
if [ "$za" != true ] || [ "$zb" != true ]; then
  skip "fwn/zero-copy: $DRV on $(uname -r) reports zero-copy '$za' on $IF and '$zb' on $B: forwarding between two zero-copy NICs is checked where both have it (7.3)"
  ip link set "$C" down; ip link set "$B" down; ip link set "$IF" down
  finish
fi

# --- the AF_XDP path, every queue, zero-copy on both NICs ---
bind=zero-copy
c0=$(far)
# shellcheck disable=SC2086 # one --cpu per queue
if ! fw_bg "$IF" "$B" /tmp/fwn.json --path afxdp --queue all $cpus --bind $bind --wait poll --pages normal --frames 1024; then
  fail "fwn/start: xdpkit forward $IF $B --bind $bind did not start (exit $FW_RC): $(tail -2 /tmp/fwn.json.err)"; finish
fi
start=$(grep '"type":"start"' /tmp/fwn.json)
echo "-- start: $start"
expect fwn/pairs "$(echo "$start" | jq -c .queues)" "$(seq 0 $((NQ - 1)) | jq -sc .)" "queue pairs (every queue of $IF and $B)"
expect fwn/zero-copy "$(echo "$start" | jq -r .zero_copy)" true "both sockets of every queue pair bound zero-copy on one shared UMEM"
expect fwn/no-note "$(echo "$start" | jq -r '.notes | join(" | ")')" "" "notes (nothing fell back to copy mode)"
sleep 2
fw_stop
sleep 0.5
c1=$(far)
sumj=$(grep '"type":"summary"' /tmp/fwn.json)
[ -n "$sumj" ] || { fail "fwn/summary: no summary: $(tail -3 /tmp/fwn.json.err)"; finish; }
echo "-- summary: $(echo "$sumj" | jq -c '{frame_accounting, queues, directions}')"
expect fwn/exit "$FW_RC" 0 "exit code after SIGTERM"
expect fwn/accounting "$(echo "$sumj" | jq -c '[.frame_accounting[] | .accounted == .frames] | all')" true "every queue pair's frames free, in a fill ring or held by the kernel, once, at the stop"
held=$(echo "$sumj" | jq -c '[.frame_accounting[].in_kernel]')
# a zero-copy driver stocks its rx ring from the fill ring ahead of traffic: the kernel holds frames
# (copy mode holds none: the host suite checks that)
if echo "$held" | jq -e 'all(. > 0)' > /dev/null; then pass "fwn/in-kernel: frames the zero-copy drivers held at the stop, per queue pair: $held"
else fail "fwn/in-kernel: a zero-copy queue pair whose drivers held no frame at the stop: $held"; fi
in=$(echo "$sumj" | jq -r '.directions[0].in'); out=$(echo "$sumj" | jq -r '.directions[0].out')
if [ "${in:-0}" -gt 0 ] && [ "$out" = "$in" ]; then pass "fwn/out: all $in frames received on $IF left $B"; else fail "fwn/out: $IF -> $B in '$in', out '$out': $(echo "$sumj" | jq -c .directions[0])"; fi
expect fwn/frames "$(echo "$sumj" | jq -r '.directions[0].in_bytes')" $((in * 74)) "bytes in (every frame one of the host's 74-byte UDP packets)"
expect fwn/far-end "$((c1 - c0))" "$out" "frames $C received over the bridge from $B"
busy=$(echo "$sumj" | jq '[.queues[] | select(.a_to_b.rx_packets > 0)] | length')
if [ "$busy" -gt 1 ]; then pass "fwn/spread: $busy of $NQ queue pairs forwarded"; else fail "fwn/spread: only $busy of $NQ queue pairs forwarded: $(echo "$sumj" | jq -c '[.queues[].a_to_b.rx_packets]')"; fi
expect fwn/back "$(echo "$sumj" | jq -r '.directions[1].in')" 0 "frames received on $B (nothing sends to it)"

# --- the mixed path: the firewall's rules on both NICs, half the flows to the handler ---
# (the host's 64 flows spread their source ports over 1024-65534). The rules go live only once
# both NICs have the firewall: virtio_net refuses XDP frames while it has no program of its own.
c0=$(far)
bstats() { xdpkit probe "$B" --stats --json | jq -c '.stats.values | with_entries(select(.key | test("^tx_|^rx_xdp")))'; }
echo "-- $B before: $(bstats)"
# shellcheck disable=SC2086
if fw_bg "$IF" "$B" /tmp/fwnm.json --queue all $cpus --bind $bind --wait poll --pages normal --frames 1024 \
     --rule 'redirect-xsk proto udp sport 1024-32767' --rule 'default redirect-dev peer'; then sleep 2; fw_stop
else fail "fwn/mixed-start: xdpkit forward --rule ... did not start (exit $FW_RC): $(tail -2 /tmp/fwnm.json.err)"; fi
sleep 0.5
c1=$(far)
summ=$(grep '"type":"summary"' /tmp/fwnm.json)
echo "-- $B after: $(bstats)"
echo "-- mixed summary: $(echo "$summ" | jq -c '{path, directions, frame_accounting, firewall, queues}')"
expect fwn/mixed-path "$(echo "$summ" | jq -r .path)" mixed "path"
min=$(echo "$summ" | jq -r '.directions[0].in'); mout=$(echo "$summ" | jq -r '.directions[0].out')
mh=$(echo "$summ" | jq -r '.directions[0].to_handler'); mp=$(echo "$summ" | jq -r '.directions[0].passed')
# passed: what came before the rules were live (the firewall attaching to B) or before a queue pair's sockets were bound (--no-socket pass)
if [ "${mh:-0}" -gt 0 ] && [ "$mh" -lt "$mout" ] && [ "$mout" = "$((min - mp))" ]; then
  pass "fwn/mixed-out: of $min frames $mout crossed, $mh of them through the handler and the rest in XDP ($mp to the stack: before the rules were live, while the firewall attached to $B, or before the sockets were bound)"
else fail "fwn/mixed-out: in '$min', out '$mout', to the handler '$mh', to the stack '$mp'"; fi
# what B's driver dropped of the XDP frames redirected to it, as forward's summary reports it
md=$(echo "$summ" | jq -r '.directions[0].egress_driver_drops.frames // 0')
expect fwn/mixed-far-end "$((c1 - c0))" "$((mout - md))" "frames $C received from the mixed path (out $mout less the $md $B's driver said it dropped)"
if [ "$md" -gt 0 ]; then
  skip "fwn/mixed-driver: $DRV on $(uname -r) dropped $md of the frames XDP redirected to $B while its queues had $bind sockets (tx_xdp_tx_drops): a driver limit, reported in forward's summary"
else pass "fwn/mixed-driver: $B's driver dropped none of the redirected frames"; fi
expect fwn/mixed-accounting "$(echo "$summ" | jq -c '[.frame_accounting[] | .accounted == .frames] | all')" true "frame accounting"

# --- the XDP path between the two NICs ---
c0=$(far)
if fw_bg "$IF" "$B" /tmp/fwnx.json --path xdp; then sleep 2; fw_stop
else fail "fwn/xdp-start: xdpkit forward --path xdp did not start (exit $FW_RC): $(tail -2 /tmp/fwnx.json.err)"; fi
sleep 0.5
c1=$(far)
sumx=$(grep '"type":"summary"' /tmp/fwnx.json)
echo "-- xdp summary: $sumx"
xdpkit probe "$B" --stats --json | jq -c '.stats.values | with_entries(select(.key | test("tx|xdp")))'
xin=$(echo "$sumx" | jq -r '.directions[0].in'); xout=$(echo "$sumx" | jq -r '.directions[0].out')
if [ "${xin:-0}" -gt 0 ] && [ "$xout" = "$xin" ]; then pass "fwn/xdp-out: the XDP path forwarded all $xin frames from $IF to $B"; else fail "fwn/xdp-out: in '$xin', out '$xout': $(echo "$sumx" | jq -c .directions)"; fi
expect fwn/xdp-far-end "$((c1 - c0))" "$xout" "frames $C received from the XDP path"

for i in "$IF" "$B"; do
  ip link show "$i" | grep -q xdp && fail "fwn/detached: $i still has an XDP program: $(ip link show "$i" | head -1)"
done
ip link set "$C" down; ip link set "$B" down; ip link set "$IF" down
finish
