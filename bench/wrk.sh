#!/usr/bin/env bash
# End to end from outside the process: starts `shequn serve --demo` (release build) on a
# scratch SQLite directory, or on the PostgreSQL given as $1, signs in as the demo brand
# admin and runs wrk against the no-op route, an authenticated read and an authenticated
# durable write. Needs the Debian package `wrk`. Figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --release -q
addr=127.0.0.1:8197
data=$(mktemp -d)
db_args=(--data-dir "$data")
if [[ $# -gt 0 ]]; then db_args=(--database-url "$1"); fi
./target/release/shequn serve --demo "${db_args[@]}" --addr "$addr" --log warn >/dev/null &
server=$!
trap 'kill $server; rm -rf "$data"' EXIT
for _ in $(seq 50); do curl -sf "http://$addr/healthz" >/dev/null && break; sleep 0.2; done
SHEQUN_TOKEN=$(curl -sf -X POST "http://$addr/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@demo.shequn.test","password":"shequn-demo-2026","brand":"demo"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
export SHEQUN_TOKEN
run() { echo "== $1"; shift; wrk -t2 -c64 -d8s --latency "$@" | grep -E 'Requests/sec|  99%|Non-2xx'; }
run "GET /healthz (no-op)" "http://$addr/healthz"
run "GET /api/v1/me" -H "Authorization: Bearer $SHEQUN_TOKEN" "http://$addr/api/v1/me"
run "POST /api/v1/regions" -s bench/post-region.lua "http://$addr"
curl -sf "http://$addr/api/v1/regions?limit=1" -H "Authorization: Bearer $SHEQUN_TOKEN" |
  python3 -c 'import json,sys; print("regions stored:", json.load(sys.stdin)["total"])'
