#!/usr/bin/env bash
# One configure and build shared by every suite. BUILD_DIR (default ./build), ACUREV_WERROR (default ON).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$here/build}"
werror="${ACUREV_WERROR:-ON}"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# A configure that failed half-way leaves a cache but no build files: configure again then.
if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DACUREV_WERROR="$werror" \
    -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
fi
cmake --build "$build" -j"$(nproc)"
