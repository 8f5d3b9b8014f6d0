#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the rig's guest (busybox sh). Loads the NIC driver, runs the tests named by
# rig.tests= on the kernel command line, writes the protocol lines below to /dev/ttyS1 (a file on
# the host), then powers off. Everything else (kernel log, test output) goes to ttyS0.
#   RIG-BOOT <kernel> <uptime>     RIG-TEST <name>     RIG-R <name> PASS|FAIL|SKIP <text>
#   RIG-DONE <name> rc=<rc> secs=<s>                  RIG-END
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
R=/dev/ttyS1
stty -F $R raw -echo 2>/dev/null
res() { echo "$*" > $R; }
up() { cut -d' ' -f1 /proc/uptime; }
arg() { sed -n "s/.*rig\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

res "RIG-BOOT $(uname -r) $(up)"
while read -r ko; do
  insmod "/lib/modules/rig/$ko" || res "RIG-MODFAIL $ko"
done < /etc/rig/modules
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ip link set lo up

per=$(arg test_timeout); per=${per:-120}
for t in $(arg tests | tr ',' ' '); do
  res "RIG-TEST $t"
  echo "==== rig test $t ($(up)s)"
  s=$(up)
  # each PASS/FAIL/SKIP line goes to the host as soon as it is printed, so a test cut short
  # by a timeout or a crash still reports the checks it got through
  rm -f /tmp/rc
  if [ -f "/tests/$t.sh" ]; then
    { (cd /tests && timeout "$per" sh "/tests/$t.sh") 2>&1; echo $? > /tmp/rc; } |
      while IFS= read -r line; do
        echo "$line"
        case $line in "PASS "*|"FAIL "*|"SKIP "*) res "RIG-R $t $line";; esac
      done
  else
    res "RIG-R $t FAIL $t: no /tests/$t.sh in the initramfs"; echo 1 > /tmp/rc
  fi
  rc=$(cat /tmp/rc 2>/dev/null || echo 1)
  [ $rc = 143 ] && res "RIG-R $t FAIL $t: killed after ${per}s (guest test timeout)"
  # a test cut short, or a revert that failed, leaves journaled NIC changes: undo them so the
  # next test starts from the NIC as booted, and say so
  if [ -n "$(ls /run/rig-journal 2>/dev/null)" ]; then
    if xdpkit revert eth0 --journal-dir /run/rig-journal > /tmp/cleanup 2>&1; then
      res "RIG-R $t FAIL $t/cleanup: the test left journaled NIC changes; /init reverted them"
    else
      res "RIG-R $t FAIL $t/cleanup: the test left journaled NIC changes and revert failed too: $(tail -1 /tmp/cleanup); later tests see a changed NIC"
    fi
    rm -rf /run/rig-journal
  fi
  res "RIG-DONE $t rc=$rc secs=$(awk -v a="$s" -v b="$(up)" 'BEGIN{printf "%.1f", b-a}')"
done
res "RIG-END $(up)"
sync
echo o > /proc/sysrq-trigger 2>/dev/null
poweroff -f
