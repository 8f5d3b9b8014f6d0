# tests/rig/lib/rig-test.sh — sourced by the guest tests (busybox sh inside the rig's guest).
# A test prints one line per check: "PASS name: detail", "FAIL name: detail" or
# "SKIP name: why"; /init forwards those lines to the host and tools/rig/rig reports them.
# Anything else a test prints goes to the guest console log only.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
ip() { /bin/busybox ip "$@"; }
IF=${RIG_IF:-eth0}
RIG_FAILED=0
# every tune of a test is journaled here; /init reverts whatever a test leaves behind
RIG_JOURNAL=/run/rig-journal
mkdir -p $RIG_JOURNAL
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; RIG_FAILED=1; }
skip() { echo "SKIP $*"; }
# expect NAME ACTUAL EXPECTED [what]: PASS when equal, FAIL naming both otherwise
expect() {
  if [ "$2" = "$3" ]; then pass "$1: ${4:-}${4:+ }$2"; else fail "$1: ${4:-}${4:+ }got '$2', expected '$3'"; fi
}
# the value of rig.NAME= on the kernel command line (what the host gave QEMU)
rig_arg() { sed -n "s/.*rig\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
# run xdpkit, keep its stdout in FILE; on failure print the command's stderr to the console
xk() {
  out=$1; shift
  xdpkit "$@" > "$out" 2>/tmp/xk.err && return 0
  rc=$?; echo "xdpkit $* -> exit $rc:"; cat /tmp/xk.err; return $rc
}
# expand a cpulist ("0-1,3") to one CPU per line
cpus() { echo "$1" | tr ',' '\n' | awk -F- 'NF==1 && $1!="" {print $1} NF==2 {for (i=$1; i<=$2; i++) print i}'; }
# is every CPU of list $1 in list $2?
cpus_within() { for c in $(cpus "$1"); do cpus "$2" | grep -qx "$c" || return 1; done; [ -n "$1" ]; }
finish() { exit $RIG_FAILED; }
# same_probe NAME BEFORE.json AFTER.json WHAT: probe after revert must equal probe before.
# Byte-identical passes outright. The one field allowed to differ is an IRQ's "effective" CPU:
# the kernel picks it inside the (restored) affinity mask and nobody can set it, so a revert
# cannot promise it; everything else, affinity masks included, must still match exactly.
same_probe() {
  if cmp -s "$2" "$3"; then pass "$1: probe after revert is byte-identical to probe before ($4)"; return; fi
  eff='del(.queues.irqs[]?.effective)'
  if [ "$(jq -S "$eff" "$2")" = "$(jq -S "$eff" "$3")" ]; then
    pass "$1: probe after revert equals probe before ($4) except the kernel-chosen effective IRQ CPUs: $(diff "$2" "$3" | grep '^[-+] ' | tr -s ' ' | tr '\n' ' ')"
  else
    fail "$1: probe differs after revert ($4): $(diff "$2" "$3" | grep '^[-+] ' | tr -s ' ' | head -8 | tr '\n' ' ')"
  fi
}
