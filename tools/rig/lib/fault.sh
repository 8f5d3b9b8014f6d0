# SPDX-License-Identifier: Apache-2.0
# tools/rig/lib/fault.sh — the fault-injection module for the guests (sourced, not run).
# shellcheck shell=bash
# tools/rig/fault/ethtool_fault.c is built out of tree against the guest kernel's own Debian
# headers (linux-headers-V, its -common and linux-kbuild, fetched like the kernel through the
# private apt configuration into $RIG_CACHE/kernel-NAME/headers, so a refreshed kernel drops
# them with it) by the compiler the kernel was built with. No such compiler on the host (7.3 is
# built by gcc-14, bookworm has gcc-12): no module, and the reason goes to the guest, whose test
# skips saying so.

# FAULT_KO (path of the built module) or FAULT_WHY (why there is none) for kernel NAME in DIR
rig_fault_module() {
  local k=$1 kd=$2 kv hd deps cc p deb tmp sum src=$RIG_HERE/fault
  FAULT_KO="" FAULT_WHY=""
  kv=$(cat "$kd/release")
  hd=$kd/headers
  # known not buildable here (no such compiler): no apt round trip on every run
  if [ -f "$hd/unbuildable" ] && ! command -v "x86_64-linux-gnu-$(cat "$hd/cc")" >/dev/null 2>&1; then
    FAULT_WHY=$(cat "$hd/unbuildable"); return 0
  fi
  if [ ! -f "$hd/ready" ]; then
    exec 8>"$RIG_CACHE/.fetch.lock"; flock 8
    rig_apt_setup; rig_apt_update
    deps=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "linux-headers-$kv" 2>/dev/null | sed -n 's/^Depends: //p')
    if [ -z "$deps" ]; then
      exec 8>&-
      FAULT_WHY="no linux-headers-$kv in the rig's suites (the archive moved on? tools/rig/rig fetch --kernel $k --refresh)"
      return 0
    fi
    # the compiler the headers want: gcc-12, gcc-14-for-host, linux-compiler-gcc-12-x86
    cc=$(echo "$deps" | grep -o 'gcc-[0-9][0-9]*' | head -1)
    if ! command -v "x86_64-linux-gnu-$cc" >/dev/null 2>&1; then
      FAULT_WHY="kernel $kv was built by $cc, which this host lacks (its modules must be built by the same compiler)"
      mkdir -p "$hd" && echo "$cc" > "$hd/cc" && echo "$FAULT_WHY" > "$hd/unbuildable"
      exec 8>&-
      return 0
    fi
    say "kernel $k: fetching linux-headers-$kv (for the fault-injection module)"
    tmp=$(mktemp -d "$RIG_CACHE/.headers-$k.XXXXXX")
    for p in "linux-headers-$kv" $(echo "$deps" | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -E '^linux-(headers-.*-common|kbuild-)'); do
      deb=$(apt_download "$p")
      dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x $deb failed" "delete $deb and run again"; }
      rm -f "$deb"
    done
    echo "$cc" > "$tmp/cc"
    rm -rf "$hd"; mv "$tmp" "$hd"
    # Debian's per-flavour Makefile includes the -common one by its absolute /usr/src path
    sed -i "s|^include /usr/src/|include $hd/root/usr/src/|" "$hd/root/usr/src/linux-headers-$kv/Makefile"
    echo "linux-headers-$kv" > "$hd/ready"
    exec 8>&-
  fi
  cc=$(cat "$hd/cc")
  command -v "x86_64-linux-gnu-$cc" >/dev/null 2>&1 ||
    { FAULT_WHY="kernel $kv was built by $cc, which this host lacks"; return 0; }
  sum=$(cat "$src/ethtool_fault.c" "$src/Kbuild" | sha256sum | cut -c1-12)
  FAULT_KO=$kd/ethtool_fault-$sum.ko
  [ -f "$FAULT_KO" ] && return 0
  need_tool make:make
  # what the headers' ethtool_ops look like decides which wrappers compile
  local eh flags="" b
  eh=$(echo "$hd"/root/usr/src/linux-headers-*-common/include/linux/ethtool.h)
  grep -q 'struct ethtool_rxfh_param {' "$eh" && flags="$flags -DHAVE_RXFH_PARAM"
  grep -q '(\*set_rxfh_fields)' "$eh" && flags="$flags -DHAVE_RXFH_FIELDS"
  b=$(mktemp -d /tmp/xdpkit-rig-fault.XXXXXX)
  cp "$src/ethtool_fault.c" "$src/Kbuild" "$b/"
  # no pahole here: the module goes without BTF, which nothing in the guest reads
  if ! "${RIG_LOCK[@]}" make -s -C "$hd/root/usr/src/linux-headers-$kv" M="$b" KCFLAGS="$flags -Werror" \
       CONFIG_DEBUG_INFO_BTF_MODULES= modules >"$b/build.log" 2>&1; then
    cat "$b/build.log" >&2; rm -rf "$b"
    die "could not build tools/rig/fault/ethtool_fault.c against linux-headers-$kv (log above)"
  fi
  strip --strip-debug -o "$FAULT_KO.tmp" "$b/ethtool_fault.ko" && mv "$FAULT_KO.tmp" "$FAULT_KO"
  rm -rf "$b"
  say "kernel $k: built ethtool_fault.ko ($(du -h "$FAULT_KO" | cut -f1))"
}
