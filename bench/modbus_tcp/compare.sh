#!/usr/bin/env bash
# Modbus TCP peer comparison in one run: the same libmodbus client against our firmware's Modbus TCP
# server (inside acurev-sim) and against the minimal libmodbus reference server; FC03 0x4000 x 72
# (the manual's example read), 1 and 8 clients, median of 5 runs each. Usage: bench/modbus_tcp/compare.sh [BIN]
set -euo pipefail
BIN="${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}"
N="${N:-20000}"
RUNS="${RUNS:-5}"
for b in acurev-sim bench_modbus_ref_server bench_modbus_tcp_client; do
  [ -x "$BIN/$b" ] || { echo "compare.sh: $BIN/$b is missing: build first (ci/build.sh)" >&2; exit 1; }
done
pick_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ours_port=$(( 2000 + RANDOM % 3000 ))
ref_port=$(pick_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
log=$(mktemp)
"$BIN/acurev-sim" run --bind 127.0.0.1 --modbus-port "$ours_port" --fidelity analytic >"$log" 2>&1 & pids+=($!)
"$BIN/bench_modbus_ref_server" 127.0.0.1 "$ref_port" >"$log.ref" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q '^ready' "$log" && grep -q ready "$log.ref" && break; sleep 0.1; done
grep -q '^ready' "$log" || { echo "compare.sh: acurev-sim did not start:" >&2; cat "$log" >&2; exit 1; }
sleep 2  # the simulator's first poll cycle fills 0x4000
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A rps p50 p99
for clients in 1 8; do
  for server in ours ref; do
    port=$ours_port; [ "$server" = ref ] && port=$ref_port
    r=(); l50=(); l99=()
    for _ in $(seq "$RUNS"); do
      out=$("$BIN/bench_modbus_tcp_client" 127.0.0.1 "$port" "$N" "$clients" 0x4000 72)
      r+=("$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["req_per_s"])')")
      l50+=("$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["p50_us"])')")
      l99+=("$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["p99_us"])')")
    done
    rps[$server$clients]=$(printf '%s\n' "${r[@]}" | median)
    p50[$server$clients]=$(printf '%s\n' "${l50[@]}" | median)
    p99[$server$clients]=$(printf '%s\n' "${l99[@]}" | median)
  done
done
rm -f "$log" "$log.ref"
printf '%-10s %-8s %10s %8s %8s\n' server clients "req/s" "p50 us" "p99 us"
for clients in 1 8; do
  for server in ours ref; do
    name=$([ "$server" = ours ] && echo acurev || echo libmodbus)
    printf '%-10s %-8s %10s %8s %8s\n' "$name" "$clients" "${rps[$server$clients]}" "${p50[$server$clients]}" "${p99[$server$clients]}"
  done
  awk -v a="${rps[ours$clients]}" -v b="${rps[ref$clients]}" -v c="${p99[ours$clients]}" -v d="${p99[ref$clients]}" -v k="$clients" \
    'BEGIN { printf "ratio (%s clients): throughput ours/ref %.2f, p99 ours/ref %.2f\n", k, a/b, c/d }'
done
