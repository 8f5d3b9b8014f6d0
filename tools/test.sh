#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole test suite: installs what it needs, builds with warnings as errors,
# and runs every CTest label: unit, bpf, integration (in build/, gcc), then fuzz
# (in build-fuzz/, clang with libFuzzer, ASan and UBSan, a few seconds a target)
# and unit again there (clang, -D_GLIBCXX_ASSERTIONS),
# then rig (QEMU guests with real NIC drivers: virtio-net on kernels 6.1, 6.12, 7.3, igb on
# 6.12; tests/rig/).
# Needs root: the integration tier makes network namespaces, veth pairs and XDP
# attachments (and removes them). Extra arguments go to the first ctest, e.g.
# `-L unit` (and then the fuzz tree and the rig are not run); XDPKIT_SKIP_FUZZ=1
# skips the fuzz tree, XDPKIT_SKIP_RIG=1 the rig.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "the test suite needs root (netns, veth, XDP): sudo $0 $*" >&2; exit 1; fi
"$here/install-deps.sh"
"$here/build.sh"
cd "$here/.."
ctest --test-dir build --output-on-failure --timeout 300 -LE '^rig$' "$@"

if [ -z "${XDPKIT_SKIP_FUZZ:-}" ] && [ $# -eq 0 ] && compgen -G "tests/fuzz/*/CMakeLists.txt" >/dev/null; then
  # The unit tier runs here a second time, under clang with libstdc++'s
  # assertions, beside the fuzzers (which have them too).
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DXDPKIT_WERROR=ON -DXDPKIT_FUZZ=ON -DXDPKIT_GLIBCXX_ASSERTIONS=ON >/dev/null
  cmake --build build-fuzz --target fuzz_all userspace_unit_tests topology_unit_tests ethtool_unit_tests -j"$(nproc)"
  ctest --test-dir build-fuzz -L '^(fuzz|unit)$' --output-on-failure --timeout 300
fi

# The rig last: real NIC drivers (virtio-net per kernel, igb on 6.12) in QEMU guests (tests/rig/,
# tools/rig/README.md); a failed guest check fails the suite. Needs /dev/net/tun and, on a cold
# cache, the Debian archive. XDPKIT_SKIP_RIG=1 skips it; under a held CPU lock (flock
# /tmp/xdpkit-cpu.lock tools/test.sh) set XDPKIT_CPU_LOCK=none so the rig does not wait for it.
if [ -z "${XDPKIT_SKIP_RIG:-}" ] && [ $# -eq 0 ]; then
  ctest --test-dir build -L '^rig$' --output-on-failure
fi
