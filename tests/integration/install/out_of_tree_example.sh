#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs this build into a fresh prefix, builds tools/examples/udp_counter
# against it out of tree (find_package(xdpkit CONFIG), then pkg-config), and
# runs each binary on a veth lab (example_lab_test). Usage: BUILD SRC LABTEST
set -euo pipefail
build=$1 src=$2 labtest=$3
work=$(mktemp -d /tmp/xdpkit-oot.XXXXXX)
trap 'rm -rf "$work"' EXIT
step() { echo "== $*"; }
run() {  # LOG CMD...: the command's output only when it fails
  local log=$1; shift
  "$@" > "$log" 2>&1 || { echo "failed: $*"; cat "$log"; exit 1; }
}
step "cmake --install $build --prefix $work/prefix"
run "$work/install.log" cmake --install "$build" --prefix "$work/prefix"
# GCC 12 warns falsely inside libstdc++ at -O2 and above (GCC bug 105329):
# the flag xdpkit's own build adds for it, and nothing else.
flags="-Wall -Wextra -Werror"
if c++ --version | head -1 | grep -q ' 12\.'; then flags="$flags -Wno-restrict"; fi
ex=$src/tools/examples/udp_counter
step "find_package: cmake -S $ex -DCMAKE_PREFIX_PATH=$work/prefix"
run "$work/configure.log" cmake -S "$ex" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$flags"
run "$work/build.log" cmake --build "$work/cmake"
step "pkg-config: c++ udp_counter.cpp \$(pkg-config --cflags --libs xdpkit)"
export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
# shellcheck disable=SC2046 # pkg-config's words are meant to split
run "$work/pc.log" c++ -O2 $flags -o "$work/udp_counter_pc" "$ex/udp_counter.cpp" $(pkg-config --cflags --libs xdpkit)
for bin in "$work/cmake/udp_counter" "$work/udp_counter_pc"; do
  step "on a veth lab: $bin"
  XDPKIT_EXAMPLE_BIN=$bin "$labtest"
done
