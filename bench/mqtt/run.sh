#!/usr/bin/env bash
# MQTT publish rate, in one go: a mosquitto on 127.0.0.1 and a free port, mosquitto_sub counting what
# arrives, build/bin/bench_mqtt publishing to it. Usage: bench/mqtt/run.sh [BIN_DIR]
set -euo pipefail
bin="${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'persistence false\nuser root\nlistener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\n' "$port" > "$work/mosquitto.conf"
/usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/broker.log" 2>&1 &
sleep 0.5
mosquitto_sub -h 127.0.0.1 -p "$port" -t 'bench/#' -q 1 > "$work/received" &
sleep 0.5
"$bin/bench_mqtt" --port="$port"
sleep 2
echo "mosquitto_sub received $(wc -l < "$work/received") messages (every one the bench counted should be there)"
