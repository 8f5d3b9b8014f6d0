# SPDX-License-Identifier: Apache-2.0
# tools/rig/lib/fetch.sh — `rig fetch`: Debian kernels, busybox-static and QEMU into the cache.
# shellcheck shell=bash disable=SC2034
# Sourced by tools/rig/rig after common.sh. Nothing is installed on the host and the host's apt
# configuration is only read: apt runs with its own sources list, state, lists and archive dirs
# under $RIG_CACHE/apt, and packages are unpacked with dpkg-deb -x.

# The archive the host already uses: first URI serving bookworm (main) and bookworm-security,
# from /etc/apt/sources.list and sources.list.d (one-line and deb822 formats).
host_mirrors() {
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 0
  awk '
    function emit(uri, suites,   n, a, i) { n = split(suites, a, /[ \t]+/)
      for (i = 1; i <= n; i++) {
        if (a[i] == "bookworm" && main == "") main = uri
        if (a[i] == "bookworm-security" && sec == "") sec = uri } }
    function flush() { if (u != "" && t ~ /(^|[ \t])deb([ \t]|$)/) emit(u, s); u = s = t = "" }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($1 == "URIs:") u = $2
      if ($1 == "Types:") t = $0
      if ($1 == "Suites:") { s = $0; sub(/^Suites:[ \t]*/, "", s) }
      next }
    $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } emit($i, $(i+1)) }
    END { flush(); print main; print sec }' "${files[@]}"
}

rig_apt_setup() {
  local A=$RIG_CACHE/apt main sec
  mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" "$A/empty" "$RIG_CACHE/debs"
  { read -r main; read -r sec; } < <(host_mirrors)
  main=${XDPKIT_RIG_MIRROR:-${main:-}}
  sec=${XDPKIT_RIG_SECURITY_MIRROR:-${sec:-}}
  [ -n "$main" ] || die "no Debian bookworm archive found in /etc/apt/sources.list*" \
    "set XDPKIT_RIG_MIRROR=http://deb.debian.org/debian (and XDPKIT_RIG_SECURITY_MIRROR=http://deb.debian.org/debian-security)"
  [ -n "$sec" ] || sec=${main%/debian}/debian-security
  local key=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$key" ] || die "missing $key" "apt-get install debian-archive-keyring"
  cat > "$A/sources.list.new" <<EOF
# written by tools/rig fetch; the host's own sources are not touched
deb [signed-by=$key] $main bookworm main
deb [signed-by=$key] $main bookworm-updates main
deb [signed-by=$key] $main bookworm-backports main
deb [signed-by=$key] $main trixie-backports main
deb [signed-by=$key] $sec bookworm-security main
EOF
  mv "$A/sources.list.new" "$A/sources.list"
  # dpkg status: a copy of the host's, so apt downloads only what the host lacks (QEMU's libraries)
  cp /var/lib/dpkg/status "$A/status"
  APT_OPTS=(-o "Dir::Etc::sourcelist=$A/sources.list" -o "Dir::Etc::sourceparts=$A/empty"
            -o "Dir::Etc::preferences=$A/empty/none" -o "Dir::Etc::preferencesparts=$A/empty"
            -o "Dir::State=$A/state" -o "Dir::State::Lists=$A/state/lists" -o "Dir::State::status=$A/status"
            -o "Dir::Cache=$A/cache" -o "Dir::Cache::archives=$A/cache/archives"
            -o "APT::Architecture=$RIG_ARCH" -o "APT::Architectures::=$RIG_ARCH" -o "Debug::NoLocking=1"
            -o "APT::Get::List-Cleanup=0" -o "Acquire::Retries=3")
}

rig_apt_update() {
  [ -n "${RIG_APT_UPDATED:-}" ] && return 0
  say "apt update (private lists in $RIG_CACHE/apt, archive $(sed -n 's/^deb \[[^]]*\] \([^ ]*\) bookworm main$/\1/p' "$RIG_CACHE/apt/sources.list"))"
  apt-get "${APT_OPTS[@]}" -q --error-on=any update >"$RIG_CACHE/apt/update.log" 2>&1 ||
    die "apt-get update with the rig's private sources failed (log: $RIG_CACHE/apt/update.log)" \
        "check network access to the archive, or set XDPKIT_RIG_MIRROR to a reachable Debian mirror"
  grep -E '^(W|E):' "$RIG_CACHE/apt/update.log" >&2 || true
  RIG_APT_UPDATED=1
}

# newest package whose name matches REGEX (by version), from the private lists
apt_newest() {
  local re=$1 name best="" bestv=""
  while read -r name; do
    local v; v=$(apt-cache "${APT_OPTS[@]}" show --no-all-versions "$name" 2>/dev/null | sed -n 's/^Version: //p' | head -1)
    [ -n "$v" ] || continue
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$bestv"; then best=$name; bestv=$v; fi
  done < <(apt-cache "${APT_OPTS[@]}" search --names-only "$re" | awk '{print $1}')
  echo "$best"
}

# download PKG (candidate version) into $RIG_CACHE/debs, print the .deb path
apt_download() {
  local pkg=$1 f
  ( cd "$RIG_CACHE/debs" && apt-get "${APT_OPTS[@]}" -q download "$pkg" >>"$RIG_CACHE/apt/download.log" 2>&1 ) ||
    die "could not download $pkg (log: $RIG_CACHE/apt/download.log)" "is the archive reachable from here? (sources: $RIG_CACHE/apt/sources.list)"
  f=$(ls -t "$RIG_CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -1)
  [ -n "$f" ] || die "apt-get download $pkg left no .deb in $RIG_CACHE/debs"
  echo "$f"
}

fetch_kernel() {
  local k=$1 dir pkg deb tmp
  dir=$(kernel_dir "$k")
  [ -f "$dir/ready" ] && [ -z "$REFRESH" ] && { say "kernel $k: cached ($(cat "$dir/ready"))"; return 0; }
  rig_apt_update
  pkg=$(apt_newest "${RIG_KERNEL_RE[$k]}")
  [ -n "$pkg" ] || die "no package matching ${RIG_KERNEL_RE[$k]} in the rig's suites" \
    "the archive may have moved on; look with: apt-cache -o Dir::Etc::sourcelist=$RIG_CACHE/apt/sources.list ... search linux-image"
  if [ -f "$dir/ready" ] && [ "$(cat "$dir/ready")" = "$pkg" ]; then say "kernel $k: $pkg is current"; return 0; fi
  say "kernel $k: downloading $pkg"
  deb=$(apt_download "$pkg")
  tmp=$(mktemp -d "$RIG_CACHE/.kernel-$k.XXXXXX")
  dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x $deb failed" "delete $deb and run fetch again"; }
  rm -f "$deb"   # the unpacked tree is the cache; the .deb is 60+ MB we never read again
  # trixie-backports splits the kernel: linux-binary-unsigned-V has /usr/lib/modules/V/vmlinuz.unsigned,
  # linux-base-V modules.builtin and friends, linux-modules-V the modules
  case $pkg in
    linux-binary-unsigned-*)
      local part pdeb
      for part in base modules; do
        pdeb=$(apt_download "linux-$part-${pkg#linux-binary-unsigned-}")
        dpkg-deb -x "$pdeb" "$tmp/root" || { rm -rf "$tmp"; die "dpkg-deb -x $pdeb failed" "delete $pdeb and run fetch again"; }
        rm -f "$pdeb"
      done;;
  esac
  # bookworm packages put modules in /lib/modules, trixie's (merged /usr) in /usr/lib/modules
  local md=$tmp/root/lib/modules kv
  [ -d "$md" ] || md=$tmp/root/usr/lib/modules
  kv=$(ls "$md" 2>/dev/null | head -1)
  local vml=$tmp/root/boot/vmlinuz-$kv
  [ -f "$vml" ] || vml=$md/$kv/vmlinuz.unsigned
  [ -n "$kv" ] && [ -f "$vml" ] && [ -d "$md/$kv/kernel" ] ||
    { rm -rf "$tmp"; die "$pkg: no vmlinuz and modules where the rig looks (/boot, /lib/modules, /usr/lib/modules)"; }
  mkdir -p "$tmp/k"
  mv "$vml" "$tmp/k/vmlinuz"
  mv "$md/$kv" "$tmp/k/modules"
  echo "$kv" > "$tmp/k/release"
  echo "$pkg" > "$tmp/k/ready"
  rm -rf "$tmp/root" "$dir"
  mv "$tmp/k" "$dir"; rmdir "$tmp"
  say "kernel $k: $kv ready in $dir"
}

fetch_busybox() {
  local bb deb tmp
  bb=$(busybox_bin)
  [ -x "$bb" ] && { say "busybox-static: cached"; return 0; }
  rig_apt_update
  deb=$(apt_download busybox-static)
  tmp=$(mktemp -d "$RIG_CACHE/.busybox.XXXXXX")
  dpkg-deb -x "$deb" "$tmp"
  mkdir -p "$RIG_CACHE/busybox/bin"
  install -m 0755 "$tmp/bin/busybox" "$bb"
  rm -rf "$tmp" "$deb"
  say "busybox-static: $("$bb" | head -1)"
}

# jq for the guest tests (they read xdpkit's JSON), with its libraries, from bookworm.
fetch_jq() {
  local j=$RIG_CACHE/jq tmp p deb
  [ -f "$j/ready" ] && { say "jq: cached"; return 0; }
  rig_apt_update
  tmp=$(mktemp -d "$RIG_CACHE/.jq.XXXXXX")
  for p in jq libjq1 libonig5; do deb=$(apt_download "$p"); dpkg-deb -x "$deb" "$tmp/root"; rm -f "$deb"; done
  [ -x "$tmp/root/usr/bin/jq" ] || { rm -rf "$tmp"; die "jq missing after unpacking jq, libjq1, libonig5"; }
  echo ok > "$tmp/ready"
  rm -rf "$j"; mv "$tmp" "$j"
  say "jq: ready"
}

# QEMU unpacked into the cache with every library the host lacks: VARIANT 7.2 is bookworm's
# (into qemu/, the virtio guests), 10 is bookworm-backports' (into qemu10/: igb, an emulated 82576
# with RSS, is QEMU 8+). Neither is installed; the host's apt state is only copied and read.
fetch_qemu() {
  local variant=${1:-7.2} q rel=() label
  q=$(qemu_dir "$variant")
  label="qemu $variant"
  [ -f "$q/ready" ] && { say "$label: cached ($(cat "$q/ready"))"; return 0; }
  [ "$variant" = 10 ] && rel=(-t bookworm-backports)
  rig_apt_update
  local arch="$RIG_CACHE/apt/cache/archives"
  rm -f "$arch"/*.deb
  say "$label: resolving qemu-system-x86 ${rel[*]} and the libraries this host lacks"
  apt-get "${APT_OPTS[@]}" -q -y --download-only --reinstall --no-install-recommends "${rel[@]}" install \
      qemu-system-x86 qemu-system-common qemu-system-data seabios >>"$RIG_CACHE/apt/download.log" 2>&1 ||
    die "could not download QEMU $variant (log: $RIG_CACHE/apt/download.log)" "is the archive reachable from here? (sources: $RIG_CACHE/apt/sources.list)"
  local tmp; tmp=$(mktemp -d "$RIG_CACHE/.qemu.XXXXXX")
  local d n=0
  for d in "$arch"/*.deb; do dpkg-deb -x "$d" "$tmp/root"; n=$((n+1)); done
  [ -x "$tmp/root/usr/bin/qemu-system-x86_64" ] || { rm -rf "$tmp"; die "qemu-system-x86_64 missing after unpacking $n packages"; }
  local v; v=$(LD_LIBRARY_PATH="$tmp/root/usr/lib/x86_64-linux-gnu:$tmp/root/lib/x86_64-linux-gnu" \
               "$tmp/root/usr/bin/qemu-system-x86_64" --version | head -1) ||
    { rm -rf "$tmp"; die "the unpacked QEMU $variant does not start (missing library?)" "see: LD_LIBRARY_PATH=... ldd $tmp/root/usr/bin/qemu-system-x86_64"; }
  case $v in *" version $variant."*) ;; *) rm -rf "$tmp"; die "asked for QEMU $variant, unpacked '$v'";; esac
  echo "$v" > "$tmp/ready"
  rm -rf "$q"; mv "$tmp" "$q"
  rm -f "$arch"/*.deb
  say "$label: $v from $n packages"
}

rig_fetch() {
  local kernels=() REFRESH="" qemus=()
  while [ $# -gt 0 ]; do
    case $1 in
      --kernel) [ $# -ge 2 ] || die "--kernel needs a value (6.1, 6.12 or all)"
                if [ "$2" = all ]; then kernels+=("${!RIG_KERNEL_RE[@]}"); else valid_kernel "$2"; kernels+=("$2"); fi; shift 2;;
      --qemu) [ $# -ge 2 ] || die "--qemu needs a value (7.2, 10 or all)"
              case $2 in 7.2|10) qemus+=("$2");; all) qemus+=(7.2 10);; *) die "unknown QEMU '$2'" "choose 7.2 (virtio guests) or 10 (igb guests)";; esac; shift 2;;
      --refresh) REFRESH=1; shift;;
      -h|--help) rig_help_fetch; return 0;;
      *) die "fetch: unknown argument '$1'" "see: tools/rig/rig fetch --help";;
    esac
  done
  [ ${#kernels[@]} -gt 0 ] || kernels=(6.1)
  need_root "fetch (it writes $RIG_CACHE and runs apt-get with a private configuration)"
  need_tool apt-get:apt apt-cache:apt dpkg-deb:dpkg
  mkdir -p "$RIG_CACHE"
  exec 9>"$RIG_CACHE/.fetch.lock"; flock 9   # two fetches at once share the cache safely
  rig_apt_setup
  local k
  for k in "${kernels[@]}"; do fetch_kernel "$k"; done
  fetch_busybox
  fetch_jq
  [ ${#qemus[@]} -gt 0 ] || qemus=(7.2)
  local v
  for v in "${qemus[@]}"; do fetch_qemu "$v"; done
  exec 9>&-
}
