#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The demo: installs what it needs, builds, and runs `xdpkit demo` on a veth lab
# it creates and removes itself. Arguments go to `xdpkit demo` (see --help),
# e.g. `sudo tools/demo.sh --handler l2fwd --duration 20`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "xdpkit demo needs root (netns, veth, XDP, huge pages): sudo $0 $*" >&2; exit 1; fi
"$here/install-deps.sh"
XDPKIT_BUILD_TARGETS=xdpkit "$here/build.sh"
exec "$here/../build/tools/xdpkit/xdpkit" demo "$@"
