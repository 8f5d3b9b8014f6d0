# SPDX-License-Identifier: Apache-2.0
# what: xdpkit up with [interface.tune] channels, RSS table, hash key (virtio) and IRQ affinity, pages = huge, shareable, [process] cpuset on cgroup v2: every queue bound on node-1 CPUs and its UMEM on node-1 huge pages up grew the pool for, the workers in a cpuset of their CPUs and node 1, while it runs; probe, pools and cgroups identical after the stop
# order: 12
. /tests/lib/rig-test.sh
link_up
xk /tmp/up-before.json probe "$IF" --json || { fail "up/probe-before: xdpkit probe failed"; finish; }
cur=$(jq -r '.channels.current.combined' /tmp/up-before.json)
max=$(jq -r '.channels.max.combined' /tmp/up-before.json)
# virtio boots with all its queue pairs: 2 of them, and queues = "all" binds both. igb has room
# but, after tune-revert, an RSS table marked user-configured, and the kernel refuses fewer
# channels than it names (tune-revert.sh): one more channel there, and queues 0-1 bound (the
# guest has 2 node-1 CPUs for workers).
if [ "$cur" -lt "$max" ]; then n=$((cur + 1)); queues='"0-1"'; else n=2; queues='"all"'; fi
key=$(jq -r '.rss.key // empty' /tmp/up-before.json)
n1=$(rig_arg node1_cpus)
# A key of the same length, unlike the driver's: a5:5a:a5:...
newkey=$(echo "$key" | awk -F: '{ for (i = 1; i <= NF; i++) printf "%s%s", (i > 1 ? ":" : ""), (i % 2 ? "a5" : "5a") }')
keyline=
case $DRV in
  virtio_net) [ -n "$key" ] && keyline="rss_key = \"$newkey\"";;
  *) skip "up/rss-key: $DRV does not take a hash key (ethtool -X hkey): the service is tuned without one";;
esac
# cgroup v2 (the host's CI machine has v1: its service test covers that one).
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
subtree_before=$(cat /sys/fs/cgroup/cgroup.subtree_control)
cat > /tmp/up.toml <<TOML
[[interface]]
name = "$IF"
program = "steer"
queues = $queues
cpus = "auto"
[interface.xsk]
wait = "poll"
[interface.umem]
pages = "huge"
shareable = true
[interface.tune]
channels = $n
rss = "equal $n"
irq_affinity = "local"
$keyline
[process]
cpuset = true
TOML
cat /tmp/up.toml
pool() { cat /sys/devices/system/node/node$1/hugepages/hugepages-2048kB/nr_hugepages; }
pool0_before=$(pool 0); pool1_before=$(pool 1)
free1_before=$(cat /sys/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages)
grow=$((free1_before >= 16 ? 0 : 16 - free1_before))
# Probed while up runs: in the background, up for 6 s; the probe at 4 s.
( xdpkit up --config /tmp/up.toml --run-dir /tmp/uprun --duration 6 --json --quiet > /tmp/up.out 2>/tmp/up.err; echo $? > /tmp/up.rc ) &
sleep 4
xk /tmp/up-mid.json probe "$IF" --json
pool0_mid=$(pool 0); pool1_mid=$(pool 1)
cg=$(ls -d /sys/fs/cgroup/xdpkit-up-*-"$IF" 2>/dev/null | head -1)
cg_cpus=$( [ -n "$cg" ] && cat "$cg/cpuset.cpus"); cg_mems=$( [ -n "$cg" ] && cat "$cg/cpuset.mems")
cg_type=$( [ -n "$cg" ] && cat "$cg/cgroup.type"); cg_threads=$( [ -n "$cg" ] && wc -l < "$cg/cgroup.threads")
wait
rc=$(cat /tmp/up.rc)
echo "-- up (exit $rc):"; cat /tmp/up.out; cat /tmp/up.err
expect up/exit "$rc" 0 "exit code"
start=$(grep '"type":"start"' /tmp/up.out)
expect up/queues "$(echo "$start" | jq -c '.queues | length')" 2 "queues bound (queues = $queues, channels $cur -> $n)"
wcpus=$(echo "$start" | jq -r '.cpus | map(tostring) | join(",")')
if cpus_within "$wcpus" "$n1"; then pass "up/workers-node1: the planner put the workers on the NIC's node ($wcpus)"
else fail "up/workers-node1: workers on CPUs '$wcpus', not within node 1 ($n1)"; fi
expect up/channels-while-up "$(jq -r .channels.current.combined /tmp/up-mid.json)" "$n" "combined channels while up runs"
expect up/rss-while-up "$(jq -c '.rss.table | unique | length' /tmp/up-mid.json)" "$n" "queues the RSS table names while up runs"
[ -n "$keyline" ] && expect up/key-while-up "$(jq -r .rss.key /tmp/up-mid.json)" "$newkey" "hash key while up runs"
aff=$(jq -r '[.queues.irqs[] | select(.queue != null) | .affinity] | join(",")' /tmp/up-mid.json)
if cpus_within "$aff" "$n1"; then pass "up/irq-affinity-while-up: queue IRQs on node-1 CPUs ($aff)"
else fail "up/irq-affinity-while-up: queue IRQ affinities '$aff' not within node 1 ($n1)"; fi
# 2 UMEMs of 4096 frames of 4 KiB: 16 pages of 2 MiB, on the NIC's node.
expect up/umem-node "$(echo "$start" | jq -r .umem_numa_node)" 1 "the UMEMs' node (the NIC's)"
expect up/huge-pages "$(echo "$start" | jq -r .huge_pages)" true "UMEMs on huge pages"
# Measured (numa_maps), not configured: the shareable UMEMs (hugetlb memfds) sit on node 1.
expect up/umem-pages-node1 "$(echo "$start" | jq -c '.umem_bytes_per_node')" '{"1":33554432}' "UMEM bytes per node (numa_maps: two UMEMs of 16 MiB)"
expect up/pool-node1-while-up "$pool1_mid" $((pool1_before + grow)) "node 1's pool while up runs ($free1_before of 16 pages free before)"
expect up/pool-node0-while-up "$pool0_mid" "$pool0_before" "node 0's pool while up runs (not the NIC's node)"
if [ -n "$cg" ]; then pass "up/cpuset: the workers' cgroup $cg while up runs"; else fail "up/cpuset: no xdpkit-up-*-$IF cgroup under /sys/fs/cgroup while up ran"; fi
expect up/cpuset-type "$cg_type" threaded "cgroup.type of the workers' cpuset"
expect up/cpuset-threads "$cg_threads" 2 "threads in it (one worker per queue)"
expect up/cpuset-cpus "$(cpus "$cg_cpus" | sort -n | tr "\n" " ")" "$(cpus "$wcpus" | sort -n | tr "\n" " ")" "its cpuset.cpus (the workers' CPUs)"
expect up/cpuset-mems "$cg_mems" 1 "its cpuset.mems (the UMEMs' node)"
expect up/cpuset-gone "$(ls -d /sys/fs/cgroup/xdpkit-up-* 2>/dev/null | wc -l)" 0 "workers' cgroups after the stop"
expect up/subtree-control "$(cat /sys/fs/cgroup/cgroup.subtree_control)" "$subtree_before" "the root's subtree_control after the stop"
stop=$(grep '"type":"stop"' /tmp/up.out)
expect up/stop-failures "$(echo "$stop" | jq -c .failures)" "[]" "what could not be put back"
expect up/journal-gone "$(ls /tmp/uprun/up/*.journal 2>/dev/null | wc -l)" 0 "service journals left"
xk /tmp/up-after.json probe "$IF" --json
same_probe up/probe-identical /tmp/up-before.json /tmp/up-after.json "channels, RSS table and key, IRQs after up's stop"
# A UMEM's pages leave the pool (as surplus) once the kernel's work queue frees them.
for _ in 1 2 3 4 5 6 7 8 9 10; do [ "$(pool 1)" = "$pool1_before" ] && break; sleep 0.3; done
expect up/pool-node1-after "$(pool 1)" "$pool1_before" "node 1's pool after up's stop"
ip link set "$IF" down
finish
