#!/usr/bin/env bash
# Runs the browser tests against build/bin/acurev-sim (ACUREV_BIN moves it) with Debian's
# Chromium; screenshots land in $ACUREV_BUILD_DIR/screenshots. Exit code = the tests'.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
bin="${ACUREV_BIN:-$(cd ../.. && pwd)/build/bin}"
if [ ! -x "$bin/acurev-sim" ]; then
  echo "run.sh: $bin/acurev-sim not found; build first or set ACUREV_BIN" >&2
  exit 1
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "run.sh: ${CHROMIUM:-/usr/bin/chromium} not found: apt-get install -y chromium" >&2
  exit 1
fi
command -v pdftotext >/dev/null || { echo "run.sh: pdftotext not found: apt-get install -y poppler-utils" >&2; exit 1; }
# One simulator at a time: the machine has 2 cores and each file starts its own.
if [ $# -gt 0 ]; then files=("$@"); else files=(./*.test.mjs); fi
exec node --test --test-concurrency=1 "${files[@]}"
