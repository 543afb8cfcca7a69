#!/usr/bin/env bash
# Latency and throughput of `levain serve` on loopback, with wrk (Debian),
# against a store of about 10^7 interactions: p50/p99 and requests/s for the
# overview and cohorts endpoints, cold (first request) and warm.
#
#   crates/server/bench/wrk.sh [LEVAIN_BINARY] [EVENTS]
#
# The store is generated once into $BENCH_DIR (default
# /var/tmp/levain-bench-serve) and kept between runs.
set -euo pipefail
LEVAIN="${1:-${CARGO_TARGET_DIR:-target}/release/levain}"
EVENTS="${2:-10000000}"
DIR="${BENCH_DIR:-/var/tmp/levain-bench-serve}"
DURATION="${DURATION:-15s}"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
mkdir -p "$DIR"
STORE="$DIR/store-$EVENTS"
if [ ! -f "$STORE/manifest.json" ] || [ ! -f "$STORE/.bench-ready" ]; then
  echo "Generating and importing about $EVENTS events into $STORE …" >&2
  "$LEVAIN" synth --out "$DIR/input-$EVENTS" --scale "$EVENTS" >&2
  "$LEVAIN" --data "$STORE" import "$DIR/input-$EVENTS" >&2
  python3 -c 'import json,sys; [print(o["account"]) for o in json.load(open(sys.argv[1]))["own"] if o["account"].startswith("bluesky:")]' \
    "$DIR/input-$EVENTS/truth.json" | while read -r a; do "$LEVAIN" --data "$STORE" own add "$a" >&2; done
  "$LEVAIN" --data "$STORE" fraud >/dev/null
  touch "$STORE/.bench-ready"
fi
interactions=$("$LEVAIN" --data "$STORE" sql "SELECT count(*) AS n FROM interactions_raw" --csv | tail -1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$LEVAIN" --data "$STORE" serve --addr "127.0.0.1:$PORT" 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/status" >/dev/null 2>&1 && break; sleep 0.2; done
BASE="http://127.0.0.1:$PORT/api/v1"
echo "levain serve on a store of $interactions interactions; wrk -t2 -c8 -d$DURATION on loopback, 2-core machine"
printf '%-44s %10s %10s %10s %10s\n' endpoint "cold (s)" "p50 (ms)" "p99 (ms)" "req/s"
for path in overview overview?exclude_suspicious=true cohorts cohorts?by=month\&period_days=7 charts/audience.svg; do
  cold=$(curl -s -o /dev/null -w '%{time_total}' "$BASE/$path")
  out=$(wrk -t2 -c8 -d"$DURATION" --latency "$BASE/$path")
  ms() { # wrk prints 1.23ms, 456.00us or 1.02s
    awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v+0 } else { sub(/s$/,"",v); print v*1000 } }'
  }
  p50=$(ms "$(echo "$out" | awk '$1=="50%"{print $2}')")
  p99=$(ms "$(echo "$out" | awk '$1=="99%"{print $2}')")
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/{print $NF}')
  printf '%-44s %10.2f %10.3f %10.3f %10s%s\n' "$path" "$cold" "$p50" "$p99" "$rps" "${errors:+  non-2xx: $errors}"
done
