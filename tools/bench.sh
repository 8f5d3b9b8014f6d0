#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The bench: xdpkit beside its anchors on one veth lab, in one run (see
# `xdpkit bench --help`). Installs what it needs (dpdk-testpmd among it), builds,
# builds the plain libxdp reference sink from ../shared/bench/ref-xsk.c when
# that checkout is beside this one, and runs. Arguments go to `xdpkit bench`.
#   tools/bench.sh --runs 3 --seconds 5     (as root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "the bench needs root (netns, veth, XDP, huge pages): run it as root" >&2; exit 1; fi
"$here/install-deps.sh" bench
"$here/build.sh"
ref_args=()
ref_src="$here/../../shared/bench/ref-xsk.c"
if [ -f "$ref_src" ]; then
  gcc -O2 -Wall -o "$here/../build/ref-xsk" "$ref_src" -lxdp -lbpf
  ref_args=(--ref-xsk "$here/../build/ref-xsk")
fi
exec "$here/../build/tools/xdpkit/xdpkit" bench "${ref_args[@]}" "$@"
