#!/usr/bin/env bash
# Installs, builds and starts the simulated meter with its built-in load. Ctrl-C stops it.
# Extra arguments go to `acurev-sim run` (e.g. ./sim.sh --modbus-port 5020 --pty).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/ci/install-deps.sh"
"$here/ci/build.sh" >/dev/null
echo "sim.sh: point a browser at the https URL of the table below (the certificate is self-signed: accept it," >&2
echo "        or download it from the login page's \"SSL Certificate\"); log in as Admin / admin or User / view." >&2
echo "        Type 'load {\"channel\": 1, \"current\": 20}' and Enter to change a channel's load while it runs." >&2
exec "${BUILD_DIR:-$here/build}/bin/acurev-sim" run "$@"
