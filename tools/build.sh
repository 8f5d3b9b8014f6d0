#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds xdpkit into build/ (Release, -O3; warnings are errors). Arguments go
# to the configure step (e.g. -DCMAKE_BUILD_TYPE=Debug); XDPKIT_BUILD_TARGETS
# limits the build to some targets (the demo needs only `xdpkit`).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DXDPKIT_WERROR=ON "$@" >/dev/null
targets=()
for t in ${XDPKIT_BUILD_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build build -j"$(nproc)" "${targets[@]}"
