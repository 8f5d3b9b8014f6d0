# SPDX-License-Identifier: Apache-2.0
# what: huge pages reserved on node 1 hold xdpkit run's UMEM (its numa_maps report and node 1's pool agree); none on node 1 -> refused
. /tests/lib/rig-test.sh
hp() { echo "/sys/devices/system/node/node$1/hugepages/hugepages-2048kB/$2"; }
if [ ! -e "$(hp 1 nr_hugepages)" ]; then skip "umem/hugepages: no per-node 2 MiB huge page pools on $(uname -r)"; finish; fi
reserve() { echo "$2" > "$(hp "$1" nr_hugepages)"; }
free_hp() { echo "$(cat "$(hp 0 free_hugepages)") $(cat "$(hp 1 free_hugepages)")"; }
link_up
N=4
reserve 0 $N; reserve 1 $N
expect umem/reserve "$(cat "$(hp 0 nr_hugepages)") $(cat "$(hp 1 nr_hugepages)")" "$N $N" "2 MiB huge pages reserved on nodes 0 and 1"
f0=$(free_hp)
# 1024 frames x 4 KiB = 4 MiB = two 2 MiB pages, bound (mbind) to eth0's node
if run_bg /tmp/umem.json --queue 0 --duration 0 --wait poll --pages huge --frames 1024; then
  S=$(grep '"type":"start"' /tmp/umem.json)
  echo "-- start: $S"
  expect umem/huge-pages "$(echo "$S" | jq -r .huge_pages)" true "UMEM on huge pages"
  expect umem/bound-node "$(echo "$S" | jq -r .umem_numa_node)" 1 "UMEM bound to the NIC's node"
  expect umem/numa-maps "$(echo "$S" | jq -c .umem_bytes_per_node)" '{"1":4194304}' "UMEM bytes per node read back from /proc/self/numa_maps"
  f1=$(free_hp)
  # the kernel's own per-node pool accounting, independent of xdpkit's numa_maps reading
  expect umem/node-pool "$(echo $(vsub "$f1" "$f0"))" "0 2" "huge pages taken from node 0, node 1 while xdpkit runs (their free counts)"
  run_stop
  expect umem/released "$(free_hp)" "$f0" "free huge pages per node after xdpkit exited"
else
  fail "umem/run: xdpkit run --pages huge did not start with $N huge pages on each node: $(tail -1 /tmp/umem.json.err)"
fi
# none on node 1, plenty on node 0: the UMEM must not silently land on node 0, and a fault on an
# empty node must come back as an error, not as SIGBUS
reserve 1 0
xdpkit run --iface "$IF" --queue 0 --duration 1 --wait poll --pages huge --frames 1024 --json > /tmp/short.json 2> /tmp/short.err
rc=$?
echo "-- node 1 empty: exit $rc: $(tail -2 /tmp/short.err)"
if [ $rc -ne 0 ] && [ $rc -lt 128 ] && grep -qi 'huge' /tmp/short.err; then pass "umem/short-node: with no huge pages on node 1, xdpkit run --pages huge refused (exit $rc): $(tail -1 /tmp/short.err | cut -c1-200)"
elif [ $rc -eq 0 ]; then fail "umem/short-node: ran with no huge pages on node 1; UMEM placement $(grep '"type":"start"' /tmp/short.json | jq -c .umem_bytes_per_node)"
else fail "umem/short-node: exit $rc (>= 128 is a signal): $(tail -2 /tmp/short.err | tr '\n' ' ')"; fi
expect umem/short-no-leak "$(cat "$(hp 0 free_hugepages)")" "$N" "node 0's free huge pages after the refused run"
reserve 0 0
ip link set "$IF" down
finish
