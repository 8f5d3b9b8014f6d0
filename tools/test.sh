#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds with warnings as errors,
# and runs every CTest label (unit, bpf, integration, fuzz). Needs root: the
# integration tier makes network namespaces, veth pairs and XDP attachments
# (and removes them). Extra arguments go to ctest, e.g. `-L unit`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "the test suite needs root (netns, veth, XDP): sudo $0 $*" >&2; exit 1; fi
"$here/install-deps.sh"
"$here/build.sh"
cd "$here/.."
ctest --test-dir build --output-on-failure --timeout 300 "$@"
