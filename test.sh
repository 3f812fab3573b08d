#!/usr/bin/env bash
# Installs, builds and runs every test (unit, conformance over real sockets, pytest), ending
# with ctest's summary. Benchmarks are separate: bench/run.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/ci/install-deps.sh"
"$here/ci/build.sh"
cd "${BUILD_DIR:-$here/build}"
ctest --output-on-failure -j"$(nproc)" "$@"
