#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# House rules a compiler does not check: every tracked source file carries an
# SPDX-License-Identifier line in its first three lines. Run by ctest (house.spdx).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
while IFS= read -r f; do
  case "$f" in tests/fixtures/*|*/corpus/*) continue ;; esac
  if ! head -3 "$f" | grep -q 'SPDX-License-Identifier: '; then
    echo "no SPDX-License-Identifier line in the first three lines: $f" >&2
    missing=$((missing + 1))
  fi
done < <(git ls-files -- '*.c' '*.h' '*.cpp' '*.hpp' '*.sh' '*.cmake' '*CMakeLists.txt' .ci/run tools/rig/rig)
[ "$missing" -eq 0 ] || { echo "$missing file(s) without a licence line" >&2; exit 1; }
