# SPDX-License-Identifier: Apache-2.0
# tools/rig/lib/run.sh — `rig run`: initramfs with xdpkit + guest tests, one QEMU TCG guest, results.
# shellcheck shell=bash disable=SC2034
# Sourced by tools/rig/rig after common.sh and fetch.sh.

RIG_NQ=4                 # virtio-net queue pairs (igb's are the driver's: min(8, CPUs) = 4)
RIG_DIST=21              # node 0 <-> node 1 distance given to QEMU (not the default 20, so a
                         # guest that reads the default instead of the SLIT is caught)
RIG_NODE1_CPUS=2-3
RIG_MAC=52:54:00:00:00:10
# The forwarding NICs (virtio, for the tests that say '# needs: forward-nics'): eth1 of RIG_NQ
# queue pairs (a second NIC to forward to, zero-copy where the kernel has it) and eth2, its far
# end: a bridge in the rig's private network namespace joins their taps, a wire from eth1 to eth2.
RIG_MAC_FWD=52:54:00:00:00:11
RIG_MAC_FAR=52:54:00:00:00:12

rig_help_run() {
  cat <<EOF
tools/rig/rig run [--kernel 6.1|6.12|7.3] [--nic virtio|igb] [--tests LIST] [--timeout S] [--keep-log FILE]
                  [--trace EVENTS]

Boot one guest and run guest tests in it; print a line per test (with its checks) and a final
'N passed, N failed' line; exit 0 when every test passed (or was skipped with a reason), 1 when
one failed, 2 when the rig itself could not run (no build, no cache and no network, no boot).

  --kernel K      6.1 (default; bookworm), 6.12 (bookworm-security) or 7.3 (trixie-backports; its NIC
                  gets iommu_platform=on: virtio-net's AF_XDP zero-copy needs the DMA API)
  --nic virtio    virtio-net-pci: $RIG_NQ queue pairs, RSS and hash reporting on (QEMU userspace RSS,
                  vhost=off), one MSI-X vector per queue, behind pxb-pcie on NUMA node 1, backed by a
                  multi-queue tap inside a private network namespace (default)
  --nic igb       igb (Intel 82576, QEMU 10's model: 8 RSS queues, rings up to 4096, an MSI-X
                  vector per rx and tx queue) behind the same pxb-pcie on node 1, run by QEMU 10
                  (bookworm-backports) in a private mount namespace; backend -netdev dgram over
                  unix sockets on a private tmpfs: no tap, the host's frames go into QEMU's socket
  --tests LIST    comma-separated names from tests/rig/ (default: all; see tools/rig/rig list)
  --timeout S     wall-clock limit of the guest (default 120 + 90 per test); QEMU is killed after it
  --test-timeout S  limit of one test inside the guest (default 120)
  --keep-log FILE copy the guest's console (kernel log and full test output) to FILE
  --trace EVENTS  QEMU trace events (a pattern, as -trace takes it) logged with timestamps to
                  $RIG_CACHE/last-run/qemu-trace.log: what the device did, beside what the driver
                  said. e.g. 'virtio_net_rss*' (RSS on/off in QEMU's virtio-net), 'igb_rx*'
  --build DIR     xdpkit build tree (default: $RIG_REPO/build; needs tools/xdpkit/xdpkit)

The guest: q35, TCG (-accel tcg,thread=single: multi-threaded TCG has oopsed guests attaching
XDP), 4 CPUs, two NUMA nodes (CPUs 0-1 / 2-3, 512 MiB each, distance $RIG_DIST), the NIC on node 1.
While it runs, the host side sends 64 UDP flows (200 pps) into the tap or QEMU's socket
(tools/rig/pktsend.c).
The last console log is also kept in $RIG_CACHE/last-run/console.log.
Needs root (tap, namespaces, the cache). QEMU and the pktsend compile run under flock $RIG_CPU_LOCK
(XDPKIT_CPU_LOCK=FILE to use another lock, XDPKIT_CPU_LOCK=none when the caller already holds it).
EOF
}

# copy an ELF and the shared libraries ldd finds into the staging tree, at the same paths
stage_elf() {
  local src=$1 dst=$2 libpath=${3:-} l
  mkdir -p "$ST$(dirname "$dst")"
  if [ -n "${STRIP:-}" ]; then strip --strip-debug -o "$ST$dst" "$src"; else cp -L "$src" "$ST$dst"; fi
  for l in $(LD_LIBRARY_PATH=$libpath ldd "$src" | grep -o '/[^ ]*'); do
    [ -e "$ST$l" ] && continue
    mkdir -p "$ST$(dirname "$l")"
    cp -L "$l" "$ST$l"
  done
}

# NAME and the modules it depends on (from the .ko's modinfo), decompressed into the staging
# tree, appended to /etc/rig/modules in load order (dependencies first)
stage_module() {
  local name=$1 kd=$2 f dep
  case " $MODS_SEEN " in *" $name "*) return 0;; esac
  MODS_SEEN="$MODS_SEEN $name"
  local re=${name//_/[-_]}
  f=$(grep -E "/${re}\.ko(\.xz|\.zst)?$" "$MODLIST" | head -1 || true)
  if [ -z "$f" ]; then
    grep -qE "/${re}\.ko$" "$kd/modules/modules.builtin" && return 0
    die "kernel module $name is neither in $kd/modules nor built in" "delete $kd and run tools/rig/rig fetch again"
  fi
  local out=$ST/lib/modules/rig/$name.ko
  mkdir -p "$(dirname "$out")"
  case $f in *.xz) xz -dc "$f" > "$out";; *.zst) zstd -qdc "$f" > "$out";; *) cp "$f" "$out";; esac
  for dep in $(tr '\0' '\n' < "$out" | sed -n 's/^depends=//p' | tr ',' ' '); do stage_module "$dep" "$kd"; done
  echo "$name.ko" >> "$ST/etc/rig/modules"
}

build_initramfs() {   # KERNEL_DIR OUT MODULE...
  local kd=$1 out=$2 t a; shift 2
  ST=$WORK/stage
  mkdir -p "$ST"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,etc/rig,tests,var/run}
  local bb; bb=$(busybox_bin)
  cp "$bb" "$ST/bin/busybox"
  for a in $("$bb" --list); do [ -e "$ST/bin/$a" ] || ln -s busybox "$ST/bin/$a"; done
  STRIP=1 stage_elf "$XDPKIT_BIN" /usr/bin/xdpkit
  # libxdp loads its multi-program dispatcher from a BPF object on disk, not
  # from the library: without it, attaching through the dispatcher is ENOENT.
  local disp=/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o
  [ -f "$disp" ] || die "libxdp's $disp is missing on the host (package libxdp1)"
  mkdir -p "$ST${disp%/*}" && cp "$disp" "$ST$disp"
  # xdp-filter (xdp-tools) and its programs: another XDP program for up-beside.sh to share an
  # interface with through libxdp's dispatcher.
  if [ -x /usr/sbin/xdp-filter ]; then
    stage_elf /usr/sbin/xdp-filter /usr/sbin/xdp-filter
    cp /usr/lib/x86_64-linux-gnu/bpf/xdpfilt_*.o "$ST${disp%/*}/"
  fi
  # iproute2's ip as ip.iproute2 (busybox's stays `ip`): busybox cannot give a veth several
  # queues, and forward.sh pairs each of the NIC's queues with a veth queue of the same number
  stage_elf "$(readlink -f /sbin/ip)" /usr/sbin/ip.iproute2
  local jr=$RIG_CACHE/jq/root
  stage_elf "$jr/usr/bin/jq" /usr/bin/jq "$jr/usr/lib/x86_64-linux-gnu"
  for l in "$jr"/usr/lib/x86_64-linux-gnu/*.so*; do cp -a "$l" "$ST/usr/lib/x86_64-linux-gnu/" 2>/dev/null || { mkdir -p "$ST/usr/lib/x86_64-linux-gnu"; cp -a "$l" "$ST/usr/lib/x86_64-linux-gnu/"; }; done
  cp -r "$RIG_REPO/tests/rig/." "$ST/tests/"
  MODLIST=$WORK/modules.list MODS_SEEN=""
  find "$kd/modules/kernel" -name '*.ko*' > "$MODLIST"
  : > "$ST/etc/rig/modules"
  for t in "$@"; do stage_module "$t" "$kd"; done
  # the fault-injection module, for the tests that say '# needs: fault-module'
  if [ -n "${FAULT_KO:-}" ]; then mkdir -p "$ST/lib/rig" && cp "$FAULT_KO" "$ST/lib/rig/ethtool_fault.ko"
  elif [ -n "${FAULT_WHY:-}" ]; then echo "$FAULT_WHY" > "$ST/etc/rig/fault-module.missing"; fi
  MODS_COUNT=$(wc -l < "$ST/etc/rig/modules")
  install -m 0755 "$RIG_HERE/guest-init.sh" "$ST/init"
  (cd "$ST" && find . | "$bb" cpio -o -H newc 2>/dev/null) | gzip -1 > "$out" ||
    die "could not pack the initramfs ($out)"
  rm -rf "$ST"
}

# pktsend, compiled once per source version into the cache
build_pktsend() {
  local src=$RIG_HERE/pktsend.c sum bin
  sum=$(sha256sum "$src" | cut -c1-12)
  bin=$RIG_CACHE/bin/pktsend-$sum
  if [ ! -x "$bin" ]; then
    need_tool gcc:gcc
    mkdir -p "$RIG_CACHE/bin"
    "${RIG_LOCK[@]}" gcc -O2 -Wall -Wextra -o "$bin.tmp" "$src" ||
      die "could not compile $src" "is gcc installed? (apt-get install gcc)"
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

rig_run_cleanup() {
  if [ -n "${RIG_VM_PID:-}" ]; then   # interrupted while the guest ran: stop its process group
    kill -TERM -- "-$RIG_VM_PID" 2>/dev/null || true
    wait "$RIG_VM_PID" 2>/dev/null || true
    say "interrupted: the guest and its namespace are gone"
  fi
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
}

rig_run() {
  local kernel=6.1 nic=virtio tests="" timeout="" test_timeout=120 keep_log="" trace="" build="$RIG_REPO/build"
  while [ $# -gt 0 ]; do
    case $1 in
      --kernel) [ $# -ge 2 ] || die "--kernel needs a value"; valid_kernel "$2"; kernel=$2; shift 2;;
      --nic) [ $# -ge 2 ] || die "--nic needs a value"; nic=$2; shift 2
             case $nic in virtio|igb) ;; *) die "--nic $nic: no such NIC" "choose virtio (default) or igb";; esac;;
      --tests) [ $# -ge 2 ] || die "--tests needs a comma-separated list (see tools/rig/rig list)"; tests=$2; shift 2;;
      --timeout) timeout=${2:?--timeout needs seconds}; shift 2;;
      --test-timeout) test_timeout=${2:?--test-timeout needs seconds}; shift 2;;
      --keep-log) keep_log=${2:?--keep-log needs a file}; shift 2;;
      --trace) trace=${2:?--trace needs QEMU trace event patterns, e.g. 'virtio_net_rss*'}; shift 2;;
      --build) build=${2:?--build needs a directory}; shift 2;;
      -h|--help) rig_help_run; return 0;;
      *) die "run: unknown argument '$1'" "see: tools/rig/rig run --help";;
    esac
  done
  need_root "run (it makes private namespaces, a tap for virtio, and writes $RIG_CACHE)"
  need_tool unshare:util-linux timeout:coreutils flock:util-linux strip:binutils ldd:libc-bin gzip:gzip ip:iproute2
  [ "$nic" = igb ] || [ -c /dev/net/tun ] || die "/dev/net/tun is missing" "modprobe tun"
  XDPKIT_BIN=$build/tools/xdpkit/xdpkit
  [ -x "$XDPKIT_BIN" ] || die "no xdpkit binary at $XDPKIT_BIN" "build it first: tools/build.sh (or pass --build DIR)"

  local t o list=()
  if [ -z "$tests" ]; then
    # by their '# order: N' line (default 50), then by name
    while read -r _ t; do list+=("$t"); done < <(
      for t in "$RIG_REPO"/tests/rig/*.sh; do
        [ -e "$t" ] || continue
        o=$(sed -n 's/^# order: \([0-9]*\)$/\1/p' "$t" | head -1)
        echo "${o:-50} $(basename "$t" .sh)"
      done | sort -k1,1n -k2,2)
  else
    IFS=, read -r -a list <<< "$tests"
  fi
  [ ${#list[@]} -gt 0 ] || die "no guest tests to run" "see: tools/rig/rig list"
  for t in "${list[@]}"; do
    [ -f "$RIG_REPO/tests/rig/$t.sh" ] || die "no guest test '$t' (tests/rig/$t.sh)" "available: $(rig_list | awk '{print $1}' | tr '\n' ' ')"
  done
  [ -n "$timeout" ] || timeout=$((120 + 90 * ${#list[@]}))
  RIG_TIMEOUT=$timeout

  local qv=7.2; [ "$nic" = igb ] && qv=10   # igb is QEMU 8+
  rig_fetch --kernel "$kernel" --qemu $qv
  local kd q; kd=$(kernel_dir "$kernel"); q=$(qemu_dir $qv)/root
  # virtio-net does AF_XDP zero-copy only with VIRTIO_F_ACCESS_PLATFORM (its buffers go through the
  # DMA API), so the kernel that has it gets the NIC with iommu_platform=on; the others keep the
  # NIC as their tests were written against
  local nic_extra=""
  [ "$kernel" = 7.3 ] && [ "$nic" = virtio ] && nic_extra=",iommu_platform=on"
  local pktsend; pktsend=$(build_pktsend)

  WORK=$(mktemp -d /tmp/xdpkit-rig.XXXXXX)
  trap rig_run_cleanup EXIT
  trap 'exit 130' INT TERM
  local t0=$SECONDS
  # veth: clean-pins.sh deletes an interface under a dispatcher, which the guest NIC cannot be
  local mods=(virtio_pci virtio_net veth); [ "$nic" = igb ] && mods=(igb veth)
  FAULT_KO="" FAULT_WHY=""
  for t in "${list[@]}"; do
    if grep -q '^# needs: fault-module' "$RIG_REPO/tests/rig/$t.sh"; then rig_fault_module "$kernel" "$kd"; break; fi
  done
  build_initramfs "$kd" "$WORK/initrd.gz" "${mods[@]}"
  say "initramfs: $(du -h "$WORK/initrd.gz" | cut -f1) (xdpkit, jq, busybox, $MODS_COUNT modules, tests: ${list[*]})"

  local fwd_nics=""
  for t in "${list[@]}"; do
    if grep -q '^# needs: forward-nics' "$RIG_REPO/tests/rig/$t.sh"; then fwd_nics=1; break; fi
  done
  [ "$nic" = virtio ] || fwd_nics=""   # igb's guest has one NIC: those tests skip there, saying so

  local joined; joined=$(IFS=,; echo "${list[*]}")
  local nicargs launcher qp=""   # qp: the queue pairs QEMU gives the NIC, where QEMU decides it (virtio)
  if [ "$nic" = igb ]; then
    # QEMU's igb does RSS itself over a single-queue backend; the sockets live on a tmpfs that
    # vm-dgram.sh mounts in the guest's private mount namespace
    export RIG_SOCK=$WORK/sock; mkdir -p "$RIG_SOCK"
    nicargs=(-netdev "dgram,id=n0,local.type=unix,local.path=$RIG_SOCK/qemu.sock,remote.type=unix,remote.path=$RIG_SOCK/peer.sock"
             -device "igb,netdev=n0,bus=rp1,mac=$RIG_MAC,romfile=")
    launcher=(unshare --mount --net --pid --fork --kill-child -- bash "$RIG_HERE/lib/vm-dgram.sh" "$WORK" "$timeout" "$pktsend"
              "$q/usr/lib/x86_64-linux-gnu/qemu")
  else
    qp=$RIG_NQ
    nicargs=(-netdev "tap,id=n0,ifname=rigtap0,script=no,downscript=no,queues=$RIG_NQ,vhost=off"
             -device "virtio-net-pci,mq=on,vectors=$((2 * RIG_NQ + 2)),rss=on,hash=on,netdev=n0,bus=rp1,mac=$RIG_MAC,romfile=$nic_extra")
    if [ -n "$fwd_nics" ]; then
      nicargs+=(-device pcie-root-port,id=rp2,bus=pxb1,chassis=2,slot=2 -device pcie-root-port,id=rp3,bus=pxb1,chassis=3,slot=3
                -netdev "tap,id=n1,ifname=rigtap1,script=no,downscript=no,queues=$RIG_NQ,vhost=off"
                -device "virtio-net-pci,mq=on,vectors=$((2 * RIG_NQ + 2)),netdev=n1,bus=rp2,mac=$RIG_MAC_FWD,romfile=$nic_extra"
                -netdev "tap,id=n2,ifname=rigtap2,script=no,downscript=no,vhost=off"
                -device "virtio-net-pci,netdev=n2,bus=rp3,mac=$RIG_MAC_FAR,romfile=")
      export RIG_BRIDGE=1
    fi
    launcher=(unshare --net --pid --fork --kill-child -- bash "$RIG_HERE/lib/vm.sh" "$WORK" "$timeout" "$pktsend")
  fi
  local qargs=(
    env LD_LIBRARY_PATH="$q/usr/lib/x86_64-linux-gnu:$q/lib/x86_64-linux-gnu" QEMU_MODULE_DIR="$q/usr/lib/x86_64-linux-gnu/qemu"
    "$q/usr/bin/qemu-system-x86_64" -L "$q/usr/share/qemu" -L "$q/usr/share/seabios"
    -machine q35 -accel tcg,thread=single -cpu max -smp 4,sockets=2,cores=2 -m 1024
    -object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M
    -numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1
    -numa dist,src=0,dst=1,val=$RIG_DIST
    -device pxb-pcie,id=pxb1,bus_nr=128,numa_node=1,bus=pcie.0
    -device pcie-root-port,id=rp1,bus=pxb1,chassis=1,slot=1
    "${nicargs[@]}"
    -nodefaults -display none -no-reboot
    -serial "file:$WORK/console.log" -serial "file:$WORK/results"
    ${trace:+-trace "$trace" -D "$WORK/qemu-trace.log" -msg timestamp=on}
    -kernel "$kd/vmlinuz" -initrd "$WORK/initrd.gz"
    -append "console=ttyS0 panic=-1 loglevel=4 rig.tests=$joined rig.test_timeout=$test_timeout rig.nic=$nic rig.dist=$RIG_DIST${qp:+ rig.queues=$qp} rig.node1_cpus=$RIG_NODE1_CPUS${fwd_nics:+ rig.fwd_mac=$RIG_MAC_FWD rig.far_mac=$RIG_MAC_FAR}"
  )
  say "guest: kernel $(cat "$kd/release"), nic $nic, waiting for $RIG_CPU_LOCK"
  local tl=$SECONDS tl0 tb; tl0=$(date +%s)
  # in its own session, so an interrupt of the rig can stop exactly this process group
  setsid "${RIG_LOCK[@]}" timeout -k 10 $((timeout + 15)) \
    "${launcher[@]}" "${qargs[@]}" \
    >"$WORK/vm.out" 2>&1 &
  RIG_VM_PID=$!
  wait $RIG_VM_PID || true
  RIG_VM_PID=""
  tb=$SECONDS
  mkdir -p "$RIG_CACHE/last-run"
  cp "$WORK/console.log" "$RIG_CACHE/last-run/console.log" 2>/dev/null || true
  cp "$WORK/vm.out" "$RIG_CACHE/last-run/qemu.out" 2>/dev/null || true   # QEMU's own warnings
  [ -n "$keep_log" ] && cp "$WORK/console.log" "$keep_log"
  rm -f "$RIG_CACHE/last-run/qemu-trace.log"
  if [ -n "$trace" ]; then
    cp "$WORK/qemu-trace.log" "$RIG_CACHE/last-run/qemu-trace.log" 2>/dev/null &&
      say "QEMU trace ($trace): $RIG_CACHE/last-run/qemu-trace.log"
  fi
  local qrc; qrc=$(cat "$WORK/qemu.rc" 2>/dev/null || echo "?")
  local rc=0
  rig_report "$WORK/results" "$qrc" "${list[@]}" || rc=$?
  if [ "$rc" != 0 ]; then
    # what the device side did, next to the guest's FAIL lines (a CI log is all there is afterwards)
    if [ -s "$WORK/qemu-trace.log" ]; then
      say "QEMU trace ($trace), last 24 events (host clock; the guest console has each xdpkit command's time):"
      tail -24 "$WORK/qemu-trace.log" | sed 's/^/  /' >&2
    fi
    [ -s "$WORK/vm.out" ] && { say "QEMU said:"; tail -8 "$WORK/vm.out" | sed 's/^/  /' >&2; }
  fi
  local ts; ts=$(cat "$WORK/started" 2>/dev/null || echo "$tl0")
  say "wall: $((tb - t0))s: initramfs $((tl - t0))s, waiting for the CPU lock $((ts - tl0))s, guest $((tb - tl - ts + tl0))s; kernel $(cat "$kd/release"), nic $nic"
  return $rc
}

qemu_end() {
  case $1 in
    124|137) echo "the guest ran out of time: --timeout ${RIG_TIMEOUT}s";;
    0) echo "the guest powered off early (panic or /init failure)";;
    *) echo "QEMU exited with status $1";;
  esac
}

# print a line per test with its checks, then 'N passed, N failed'; return 0/1/2
rig_report() {
  local res=$1 qrc=$2; shift 2
  local passed=0 failed=0 skipped=0 t
  tr -d '\r' < "$res" 2>/dev/null > "$WORK/results.txt" || : > "$WORK/results.txt"
  if ! grep -q '^RIG-BOOT' "$WORK/results.txt"; then
    say "the guest never reached /init (QEMU exit $qrc). QEMU said:"; sed 's/^/  /' "$WORK/vm.out" | tail -20 >&2
    say "console tail:"; tail -30 "$WORK/console.log" 2>/dev/null | sed 's/^/  /' >&2
    echo "0 passed, ${#@} failed"
    return 2
  fi
  grep '^RIG-MODFAIL' "$WORK/results.txt" | sed 's/^RIG-MODFAIL /rig: guest could not load module /' >&2 || true
  for t in "$@"; do
    local lines done status secs
    lines=$(sed -n "s/^RIG-R $t //p" "$WORK/results.txt")
    done=$(grep "^RIG-DONE $t " "$WORK/results.txt" || true)
    secs=$(echo "$done" | sed -n 's/.*secs=\([0-9.]*\).*/\1/p')
    if [ -z "$done" ]; then
      if grep -q "^RIG-TEST $t$" "$WORK/results.txt"; then
        lines="$lines${lines:+$'\n'}FAIL $t: the guest stopped during this test ($(qemu_end "$qrc")); see $RIG_CACHE/last-run/console.log"
      else
        lines="$lines${lines:+$'\n'}FAIL $t: never started ($(qemu_end "$qrc") before it)"
      fi
      status=FAIL
    elif echo "$lines" | grep -q '^FAIL ' || ! echo "$done" | grep -q ' rc=0 '; then
      status=FAIL
      echo "$lines" | grep -q '^FAIL ' || lines="$lines${lines:+$'\n'}FAIL $t: exited with $(echo "$done" | sed -n 's/.* rc=\([0-9]*\).*/\1/p') and no FAIL line"
    elif echo "$lines" | grep -q '^PASS '; then status=PASS
    elif echo "$lines" | grep -q '^SKIP '; then status=SKIP
    else status=FAIL; lines="FAIL $t: printed no PASS/FAIL/SKIP line"
    fi
    case $status in PASS) passed=$((passed+1));; FAIL) failed=$((failed+1));; SKIP) skipped=$((skipped+1));; esac
    printf '%-4s %s%s\n' "$status" "$t" "${secs:+ (${secs}s in the guest)}"
    [ -n "$lines" ] && echo "$lines" | sed 's/^/     /'
  done
  echo "$passed passed, $failed failed${skipped:+$( [ $skipped -gt 0 ] && echo ", $skipped skipped")}"
  return $(( failed > 0 ? 1 : 0 ))
}
