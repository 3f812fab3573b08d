#!/usr/bin/env bash
# Modbus TCP peer comparison in one run (reference/peers.md §1): the same libmodbus client against
# our firmware's Modbus TCP server (inside acurev-sim) and against the minimal libmodbus reference
# server; FC03 0x4000 x 72 (the defined block our server serves there), 1 and 8 clients, median of
# 5 runs each, the two servers taking turns so drift on the machine hits both alike.
#
# Usage: bench/modbus_tcp/compare.sh [--ours-ref] [BIN]
#   BIN         the build's bin dir (default: build/bin of this checkout)
#   --ours-ref  put a second reference server where acurev-sim goes (to check this script itself)
# Environment: N requests per run (20000), RUNS per server and client count (5), CLIENTS ("1 8").
# Loopback p99 jitters 2-6x between runs: compare the ratios of one run, not figures across runs.
set -euo pipefail

ours_ref=0
bin=""
for arg in "$@"; do
  case "$arg" in
    --ours-ref) ours_ref=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "compare.sh: unknown option '$arg': --ours-ref, --help" >&2; exit 2 ;;
    *) bin="$arg" ;;
  esac
done
BIN="${bin:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}"
N="${N:-20000}"
RUNS="${RUNS:-5}"
CLIENTS="${CLIENTS:-1 8}"
ADDR=0x4000
COUNT=72
PY=/usr/bin/python3  # Debian's: the python3 first on PATH may be another one (peers.md)

for b in bench_modbus_ref_server bench_modbus_tcp_client; do
  [ -x "$BIN/$b" ] || { echo "compare.sh: $BIN/$b is missing: build it first (cmake --build <build> --target $b)" >&2; exit 1; }
done
if [ "$ours_ref" = 0 ] && [ ! -x "$BIN/acurev-sim" ]; then
  echo "compare.sh: $BIN/acurev-sim is missing: build it first (cmake --build <build> --target acurev-sim)," >&2
  echo "            or run with --ours-ref to check this script against two reference servers" >&2
  exit 1
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port free on 127.0.0.1 in 2000-5999: the range acurev-sim takes as is (no remap below 1024).
free_port() {
  "$PY" - "$@" <<'EOF'
import random, socket, sys
taken = {int(p) for p in sys.argv[1:]}
for p in random.sample(range(2000, 6000), 4000):
    if p in taken:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    sys.exit(0)
sys.exit("compare.sh: no free port in 2000-5999 on 127.0.0.1")
EOF
}

# start NAME LOG COMMAND...: runs a server in the background, waits for its "ready" line.
start() {
  local name=$1 log=$2
  shift 2
  : >"$log"  # before the server opens it: the wait below may look first
  "$@" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 300); do
    grep -q '^ready' "$log" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "compare.sh: $name exited before it was ready:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "compare.sh: $name printed no 'ready' line within 30 s:" >&2
  cat "$log" >&2
  exit 1
}

# Until one FC03 of the measured block succeeds: acurev-sim fills 0x4000 after its first poll cycle.
warm_up() {
  local name=$1 port=$2
  for _ in $(seq 300); do
    "$BIN/bench_modbus_tcp_client" 127.0.0.1 "$port" 1 1 "$ADDR" "$COUNT" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "compare.sh: $name on port $port did not answer FC03 $ADDR x $COUNT within 30 s:" >&2
  "$BIN/bench_modbus_tcp_client" 127.0.0.1 "$port" 1 1 "$ADDR" "$COUNT" >&2 || true
  exit 1
}

ours_port=$(free_port)
ref_port=$(free_port "$ours_port")
if [ "$ours_ref" = 1 ]; then
  ours_name="libmodbus #2"
  start "$ours_name" "$work/ours.log" "$BIN/bench_modbus_ref_server" 127.0.0.1 "$ours_port"
else
  ours_name="acurev-sim"
  # Analytic fidelity: the board's DSP would otherwise take CPU from the server being measured.
  start "$ours_name" "$work/ours.log" "$BIN/acurev-sim" run --bind 127.0.0.1 --modbus-port "$ours_port" --fidelity analytic
fi
ref_name="libmodbus"
start "$ref_name" "$work/ref.log" "$BIN/bench_modbus_ref_server" 127.0.0.1 "$ref_port"
warm_up "$ours_name" "$ours_port"
warm_up "$ref_name" "$ref_port"

# measure SERVER PORT CLIENTS: one client run; appends "req/s p50 p99" to $work/SERVER.CLIENTS.
measure() {
  local server=$1 port=$2 clients=$3 out
  if ! out=$("$BIN/bench_modbus_tcp_client" 127.0.0.1 "$port" "$N" "$clients" "$ADDR" "$COUNT" 2>"$work/client.err"); then
    echo "compare.sh: the client failed against $server (127.0.0.1:$port, $clients clients): $out" >&2
    cat "$work/client.err" >&2
    exit 1
  fi
  echo "$out" | "$PY" -c 'import json, sys; r = json.load(sys.stdin); print(r["req_per_s"], r["p50_us"], r["p99_us"])' \
    >>"$work/$server.$clients"
}

median() {  # median of column $1 of file $2
  cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "Modbus TCP FC03 $ADDR x $COUNT on 127.0.0.1, $N requests per run, median of $RUNS runs" >&2
for clients in $CLIENTS; do
  for run in $(seq "$RUNS"); do
    echo "  $clients client(s), run $run/$RUNS" >&2
    measure ours "$ours_port" "$clients"
    measure ref "$ref_port" "$clients"
  done
done

printf '%-14s %7s %10s %8s %8s\n' server clients "req/s" "p50 us" "p99 us"
for clients in $CLIENTS; do
  for server in ours ref; do
    name=$ours_name; [ "$server" = ref ] && name=$ref_name
    printf '%-14s %7s %10.0f %8.0f %8.0f\n' "$name" "$clients" \
      "$(median 1 "$work/$server.$clients")" "$(median 2 "$work/$server.$clients")" "$(median 3 "$work/$server.$clients")"
  done
  awk -v a="$(median 1 "$work/ours.$clients")" -v b="$(median 1 "$work/ref.$clients")" \
      -v c="$(median 2 "$work/ours.$clients")" -v d="$(median 2 "$work/ref.$clients")" \
      -v e="$(median 3 "$work/ours.$clients")" -v f="$(median 3 "$work/ref.$clients")" -v k="$clients" \
      'BEGIN { printf "%-14s %7s %9.2fx %7.2fx %7.2fx\n", "ours/ref", k, a / b, c / d, e / f }'
done
