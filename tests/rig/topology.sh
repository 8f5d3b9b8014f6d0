# SPDX-License-Identifier: Apache-2.0
# what: xdpkit topology sees the guest's two NUMA nodes, QEMU's distances and the NIC on node 1
. /tests/lib/rig-test.sh
dist=$(rig_arg dist); n1=$(rig_arg node1_cpus)
# two workers: as many as node 1 has CPUs, so a correct plan keeps them all on the NIC's node
if ! xk /tmp/topo.json topology --json --workers 2; then fail "topology/json: xdpkit topology --json failed"; finish; fi
expect topology/schema "$(jq -r .schema /tmp/topo.json)" xdpkit.topology/1
expect topology/nodes "$(jq -c '[.numa.nodes[].id]' /tmp/topo.json)" '[0,1]' "node ids"
expect topology/distances "$(jq -c '[.numa.nodes[].distances]' /tmp/topo.json)" "[[10,$dist],[$dist,10]]" "SLIT (QEMU -numa dist val=$dist)"
expect topology/node-cpus "$(jq -c '[.numa.nodes[].cpus]' /tmp/topo.json)" "[\"0-1\",\"$n1\"]" "CPUs per node"
nic=$(jq -c --arg i "$IF" '.nics[] | select(.name == $i)' /tmp/topo.json)
if [ -z "$nic" ]; then fail "topology/nic: $IF not among the NICs: $(jq -c '[.nics[].name]' /tmp/topo.json)"; finish; fi
expect topology/nic-node "$(echo "$nic" | jq -r .numa_node)" 1 "$IF numa_node"
expect topology/nic-local-cpus "$(echo "$nic" | jq -r .pci.local_cpus)" "$n1" "$IF local_cpus"
expect topology/nic-driver "$(echo "$nic" | jq -r .driver)" "$DRV" "$IF driver (sysfs)"
w=$(echo "$nic" | jq -r '.plan.workers | map(tostring) | join(",")')
if [ -n "$w" ] && cpus_within "$w" "$n1"; then pass "topology/plan: workers on CPUs $w, all on node 1 ($n1)"
else fail "topology/plan: workers on CPUs '$w', not all on node 1 ($n1): $(echo "$nic" | jq -c .plan.explanation)"; fi
finish
