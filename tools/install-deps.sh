#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages xdpkit builds and tests with. Idempotent and
# quick when everything is present: apt runs only for what is missing.
#   tools/install-deps.sh          build + test packages
#   tools/install-deps.sh bench    also the bench's peers (dpdk-testpmd)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang llvm libclang-rt-14-dev bpftool libbpf-dev libxdp-dev xdp-tools libelf-dev zlib1g-dev
  libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libnuma-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libfmt-dev libtomlplusplus-dev libsystemd-dev libcap-dev prometheus-cpp-dev prometheus
  libpcap-dev tcpdump
  iproute2 ethtool numactl procps util-linux systemd
)
if [ "${1:-}" = bench ]; then packages+=(dpdk dpdk-dev linux-perf); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

if [ "$(id -u)" -ne 0 ]; then
  echo "xdpkit: missing packages: ${missing[*]}; run as root (sudo $0) to install them" >&2
  exit 1
fi
echo "xdpkit: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
