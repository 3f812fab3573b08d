#!/usr/bin/env bash
# SNMP walk of the whole tree (system group and every published parameter) against acurev-sim's
# agent on 127.0.0.1, with Debian's snmpwalk (one GETNEXT per object) and snmpbulkwalk (GETBULK of
# 10 and 50): wall time per OID, the median of 5 runs each. Not run in CI (speed is measured here,
# never asserted). Usage: bench/snmp/run.sh [BIN_DIR]
set -euo pipefail
bin="${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c '
import socket
for p in range(16100, 16200):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass')
tcp() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1] % 4000 + 2000)'; }
"$bin/acurev-sim" run --data-dir "$work/data" --speed 20 --modbus-port "$(tcp)" --set "network.https_port=$(( $(tcp) + 4000 ))" \
  --set snmp.enable=true --set "snmp.port=$port" > "$work/sim.log" 2>&1 &
export MIBS=
# Every block read once (power quality every 15 s of device time): the whole tree is served.
for _ in $(seq 1 100); do
  n=$(snmpbulkwalk -v2c -c public -On -t 1 -r 0 "127.0.0.1:$port" .1 2>/dev/null | wc -l || true)
  [ "$n" -gt 1700 ] && break
  sleep 0.2
done
grep snmp "$work/sim.log" || true
walk() {  # tool options...: prints "objects nanoseconds"
  local t0 t1 n
  t0=$(date +%s%N)
  n=$("$@" -v2c -c public -On "127.0.0.1:$port" .1 | grep -vc "No more variables")
  t1=$(date +%s%N)
  echo "$n $((t1 - t0))"
}
for tool in "snmpwalk" "snmpbulkwalk -Cr10" "snmpbulkwalk -Cr50"; do
  runs=()
  for _ in 1 2 3 4 5; do
    # shellcheck disable=SC2086
    runs+=("$(walk $tool)")
  done
  printf '%s\n' "${runs[@]}" | sort -k2 -n | sed -n 3p | {
    read -r n ns
    awk -v t="$tool" -v n="$n" -v ns="$ns" 'BEGIN { printf "%-20s %5d OIDs  %8.1f ms  %6.1f us/OID  (median of 5)\n", t, n, ns / 1e6, ns / 1e3 / n }'
  }
done
