#!/usr/bin/env bash
# Web API latency in one run (issue "Web interface", bench/): the same HTTPS load client against
# the module's GET /api/v1/readings (inside acurev-sim, bearer token, keep-alive) and against a
# minimal Beast server that answers the same bytes with the same TLS settings (the limit);
# 1, 10 and 100 concurrent clients, median of RUNS runs, the two servers taking turns.
#
# Usage: bench/web_api/compare.sh [BIN]     (BIN: the build's bin dir, default build/bin)
# Environment: N requests per run (4000), RUNS (3), CLIENTS ("1 10 100").
# Loopback p99 jitters between runs: compare the ratios of one run, not figures across runs.
set -euo pipefail
BIN="${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}"
N="${N:-4000}"
RUNS="${RUNS:-3}"
CLIENTS="${CLIENTS:-1 10 100}"
PY=/usr/bin/python3
for b in acurev-sim bench_web_ref_server bench_web_client; do
  [ -x "$BIN/$b" ] || { echo "compare.sh: $BIN/$b is missing: build it first" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {  # LO HI [TAKEN...]
  "$PY" - "$@" <<'PYEOF'
import random, socket, sys
lo, hi, taken = int(sys.argv[1]), int(sys.argv[2]), {int(p) for p in sys.argv[3:]}
for p in random.sample(range(lo, hi + 1), hi - lo + 1):
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
sys.exit("compare.sh: no free port")
PYEOF
}

start() {  # NAME LOG COMMAND...: waits for its "ready" line
  local name=$1 log=$2
  shift 2
  : >"$log"
  "$@" >"$log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 300); do
    grep -q '^ready' "$log" && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "compare.sh: $name exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "compare.sh: $name was not ready within 30 s" >&2
  exit 1
}

ours_port=$(free_port 6000 9999)
start acurev-sim "$work/ours.log" "$BIN/acurev-sim" run --fidelity analytic --data-dir "$work/data" \
  --modbus-port "$(free_port 2000 5999)" --set "network.https_port=$ours_port"
sleep 3  # the module has read every block
token=$("$PY" - "$ours_port" "$work/body.json" <<'PYEOF'
import json, ssl, sys, urllib.request
port, body_file = sys.argv[1], sys.argv[2]
ctx = ssl._create_unverified_context()
req = urllib.request.Request("https://127.0.0.1:%s/api/v1/session" % port, data=b'{"level":"user","password":"view"}', method="POST")
token = json.load(urllib.request.urlopen(req, context=ctx))["token"]
req = urllib.request.Request("https://127.0.0.1:%s/api/v1/readings" % port, headers={"Authorization": "Bearer " + token})
open(body_file, "wb").write(urllib.request.urlopen(req, context=ctx).read())
print(token)
PYEOF
)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 1 -subj /CN=ref >/dev/null 2>&1
ref_port=$(free_port 6000 9999 "$ours_port")
start bench_web_ref_server "$work/ref.log" "$BIN/bench_web_ref_server" 127.0.0.1 "$ref_port" "$work/cert.pem" "$work/key.pem" "$work/body.json"

measure() {  # SERVER PORT CLIENTS
  local out
  out=$("$BIN/bench_web_client" 127.0.0.1 "$2" /api/v1/readings "$token" "$N" "$3") || { echo "compare.sh: client failed against $1" >&2; exit 1; }
  echo "$out" | "$PY" -c 'import json, sys; r = json.load(sys.stdin); print(r["req_per_s"], r["p50_us"], r["p99_us"])' >>"$work/$1.$3"
}
median() {
  cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "GET /api/v1/readings ($(wc -c <"$work/body.json") bytes) over HTTPS on 127.0.0.1, $N requests per run, median of $RUNS" >&2
for clients in $CLIENTS; do
  for run in $(seq "$RUNS"); do
    measure ours "$ours_port" "$clients"
    measure ref "$ref_port" "$clients"
  done
done
printf '%-14s %7s %10s %9s %9s\n' server clients "req/s" "p50 us" "p99 us"
for clients in $CLIENTS; do
  for server in ours ref; do
    name=acurev-sim; [ "$server" = ref ] && name="Beast (limit)"
    printf '%-14s %7s %10.0f %9.0f %9.0f\n' "$name" "$clients" \
      "$(median 1 "$work/$server.$clients")" "$(median 2 "$work/$server.$clients")" "$(median 3 "$work/$server.$clients")"
  done
  awk -v a="$(median 1 "$work/ours.$clients")" -v b="$(median 1 "$work/ref.$clients")" \
      -v c="$(median 2 "$work/ours.$clients")" -v d="$(median 2 "$work/ref.$clients")" \
      -v e="$(median 3 "$work/ours.$clients")" -v f="$(median 3 "$work/ref.$clients")" -v k="$clients" \
      'BEGIN { printf "%-14s %7s %9.2fx %8.2fx %8.2fx\n", "ours/limit", k, a / b, c / d, e / f }'
done
