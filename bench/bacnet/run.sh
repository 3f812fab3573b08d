#!/usr/bin/env bash
# BACnet ReadPropertyMultiple of all objects against acurev-sim, in one go: the simulator paced at real
# time on free ports, @bacnet-js/client (tests/bacnet's pinned copy) timing each request.
# Usage: bench/bacnet/run.sh [BIN_DIR] [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../../build/bin}"
[ -d "$here/../../tests/bacnet/node_modules/@bacnet-js/client" ] || (cd "$here/../../tests/bacnet" && npm ci --no-audit --no-fund --loglevel=error)
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
free() { /usr/bin/python3 -c "import random,socket
for _ in range(200):
    p=random.randint($1,$2); s=socket.socket(socket.AF_INET, socket.$3)
    try: s.bind(('127.0.0.1',p)); print(p); break
    except OSError: pass
    finally: s.close()"; }
port=$(free 47810 47990 SOCK_DGRAM)
"$bin/acurev-sim" run --data-dir "$work/data" --modbus-port "$(free 2000 5999 SOCK_STREAM)" --set "network.https_port=$(free 6000 9999 SOCK_STREAM)" \
  --set bacnet.enable=true --set "bacnet.port=$port" --set bacnet.device_instance=100 > "$work/sim.log" 2>&1 &
for _ in $(seq 100); do grep -q '^seed' "$work/sim.log" 2>/dev/null && break; sleep 0.1; done
grep bacnet "$work/sim.log"
node "$here/rpm.mjs" "127.0.0.1:$port" 100 "${2:-5}"
