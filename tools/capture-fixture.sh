#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Copies the sysfs/procfs files that xdpkit's topology/ library reads from this
# host into a fixture tree, so tests can replay the host elsewhere:
#
#   tools/capture-fixture.sh tests/fixtures/<name> [--describe "text"] [--iface IF]
#
# Result: <dir>/root/ (the tree, symlinks kept relative as sysfs has them) and
# <dir>/fixture.json (description, kernel, the interface `validate` checks).
# Run as root: some files (e.g. /proc/irq/*/smp_affinity of managed IRQs) are
# root-only. Goldens are not written here; see tests/fixtures/README.md.
#
# Deliberately NOT copied: /proc/<pid>/stat of every process (they change every
# second and name whatever ran at capture time). Only pid 1 and any irqbalance
# process are kept, which is what the validator's irqbalance check looks for.
set -euo pipefail

usage() { echo "usage: $0 DIR [--describe TEXT] [--iface IF]" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
out=$1; shift
describe="captured from $(hostname) on $(date -u +%Y-%m-%d)"
iface=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --describe) describe=$2; shift 2 ;;
    --iface) iface=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ -e $out/root ]] && { echo "$out/root exists; remove it first (goldens are regenerated separately)" >&2; exit 2; }
root=$out/root
mkdir -p "$root"

# Copy one file's content (sysfs sizes lie, so cat, not cp). Unreadable or
# unsupported attributes (EIO, EINVAL on read) are skipped, as topology/ skips them.
grab() {
  local f
  for f in "$@"; do
    [[ -f $f && -r $f ]] || continue
    mkdir -p "$root$(dirname "$f")"
    if ! cat "$f" > "$root$f" 2>/dev/null; then rm -f "$root$f"; fi
  done
}
# Recreate a symlink with its original (relative) target.
grab_link() {
  local l=$1
  [[ -L $l ]] || return 0
  mkdir -p "$root$(dirname "$l")"
  ln -sfn "$(readlink "$l")" "$root$l"
}
grab_dir() { [[ -d $1 ]] && mkdir -p "$root$1"; return 0; }

cpu=/sys/devices/system/cpu
grab $cpu/online $cpu/possible $cpu/present $cpu/offline $cpu/isolated $cpu/nohz_full $cpu/kernel_max
for d in $cpu/cpu[0-9]*; do
  grab "$d/online"
  for f in core_id physical_package_id die_id thread_siblings_list package_cpus_list core_siblings_list; do
    grab "$d/topology/$f"
  done
  grab "$d/cpufreq/scaling_governor"
  for n in "$d"/node[0-9]*; do grab_link "$n"; done
  grab_dir "$d"
done

node=/sys/devices/system/node
grab $node/possible $node/online $node/has_cpu $node/has_memory $node/has_normal_memory
for d in $node/node[0-9]*; do
  grab "$d/cpulist" "$d/distance" "$d/meminfo"
  for h in "$d"/hugepages/hugepages-*; do
    grab "$h/nr_hugepages" "$h/free_hugepages" "$h/surplus_hugepages"
  done
done
for h in /sys/kernel/mm/hugepages/hugepages-*; do
  grab "$h/nr_hugepages" "$h/free_hugepages" "$h/surplus_hugepages" "$h/resv_hugepages"
done
grab /sys/kernel/mm/transparent_hugepage/enabled

grab /proc/cmdline /proc/meminfo /proc/buddyinfo /proc/interrupts /proc/swaps /proc/net/softnet_stat
for s in kernel/numa_balancing kernel/sched_rt_runtime_us net/core/busy_poll net/core/busy_read \
         net/core/netdev_budget net/core/netdev_budget_usecs net/core/bpf_jit_enable net/core/bpf_jit_harden; do
  grab /proc/sys/$s
done
grab /proc/1/stat
for p in /proc/[0-9]*; do
  if [[ -r $p/stat ]] && grep -q '^[0-9]* (irqbalance) ' "$p/stat" 2>/dev/null; then grab "$p/stat"; fi
done

# Interfaces: the class link, the netdev's own files, its device chain up to
# the PCI function, and that function's IRQs.
irqs=()
for l in /sys/class/net/*; do
  grab_link "$l"
  real=$(readlink -f "$l")
  grab "$real/ifindex"
  for q in "$real"/queues/rx-*; do grab_dir "$q"; grab "$q/rps_cpus"; done
  for q in "$real"/queues/tx-*; do grab_dir "$q"; grab "$q/xps_cpus"; done
  grab_dir "$real"
  [[ -L $real/device ]] || continue
  grab_link "$real/device"
  dev=$(readlink -f "$real/device")
  grab_link "$dev/driver"
  grab_dir "$dev"
  p=$dev
  while [[ $p == /sys/devices/* ]]; do
    if [[ $(basename "$p") =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]]; then
      grab "$p/numa_node" "$p/local_cpulist" "$p/local_cpus" "$p/vendor" "$p/device"
      grab_link "$p/driver"
      for m in "$p"/msi_irqs/*; do
        [[ -e $m ]] || continue
        grab "$m"
        irqs+=("$(basename "$m")")
      done
      break
    fi
    p=$(dirname "$p")
  done
done
for i in "${irqs[@]}"; do
  grab /proc/irq/$i/smp_affinity /proc/irq/$i/smp_affinity_list /proc/irq/$i/effective_affinity \
       /proc/irq/$i/effective_affinity_list /proc/irq/$i/node
done

# Git keeps no empty directory, and an empty queues/tx-0 still means a queue.
find "$root" -type d -empty -exec touch {}/.keep \;

kernel=$(uname -r)
python3 - "$out/fixture.json" "$describe" "$kernel" "$iface" <<'PY'
import json, sys
path, describe, kernel, iface = sys.argv[1:5]
doc = {"description": describe, "kernel": kernel, "captured": True}
if iface:
    doc["iface"] = iface
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
PY
echo "captured into $root ($(find "$root" -type f | wc -l) files, $(find "$root" -type l | wc -l) links)"
