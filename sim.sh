#!/usr/bin/env bash
# Installs, builds and starts the simulated meter with its built-in load. Ctrl-C stops it.
# Extra arguments go to `acurev-sim run` (e.g. ./sim.sh --modbus-port 5020 --pty).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/ci/install-deps.sh"
"$here/ci/build.sh" >/dev/null
exec "${BUILD_DIR:-$here/build}/bin/acurev-sim" run "$@"
