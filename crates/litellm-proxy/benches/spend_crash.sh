#!/usr/bin/env bash
# What a crash costs the spend store: SIGKILL litellm-proxy under load and count the answered
# requests against the rows on disk (loopback only, the in-repo mock as upstream).
#
#   bash crates/litellm-proxy/benches/spend_crash.sh [rounds]      (default 5; needs `wrk` and `sqlite3`:
#                                                    apt-get install -y wrk sqlite3)
#   CRASH_AFTER=2 CONNECTIONS=32 bash crates/litellm-proxy/benches/spend_crash.sh
#
# Each round starts a fresh mock and proxy (release build, `--threads 2`), runs wrk for
# CRASH_AFTER + 1 seconds and sends SIGKILL to the proxy CRASH_AFTER seconds in. wrk's completed
# requests (minus non-2xx) are the answered ones; `SELECT count(*)` after the kill (SQLite replays
# the WAL) is what survived. Prints per round: answered, rows, lost, and the loss as milliseconds
# of traffic at the measured rate. Every process it starts is stopped on exit.
set -euo pipefail

ROUNDS="${1:-5}"
CRASH_AFTER="${CRASH_AFTER:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
# shellcheck source=bench_common.sh
source "$(dirname "$0")/bench_common.sh"
require_tools wrk sqlite3
build_release
write_post_lua

echo "litellm-proxy spend store under SIGKILL ($(nproc) cores, wrk -c$CONNECTIONS, kill after ${CRASH_AFTER}s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
for round in $(seq 1 "$ROUNDS"); do
  DIR="$WORK/round$round"; mkdir -p "$DIR"
  MOCK_PORT="$(free_port)"
  "$TARGET/release/mock-upstream" --port "$MOCK_PORT" >"$DIR/mock.log" 2>&1 &
  MOCK_PID=$!; PIDS+=($MOCK_PID)
  wait_for "http://127.0.0.1:$MOCK_PORT/mock/hits"
  cat >"$DIR/config.yaml" <<YAML
model_list:
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:$MOCK_PORT/v1", api_key: sk-upstream}
general_settings: {master_key: $KEY}
YAML
  PROXY_PORT="$(free_port)"
  "$TARGET/release/litellm-proxy" --config "$DIR/config.yaml" --port "$PROXY_PORT" --threads 2 \
    --spend-db "$DIR/spend.sqlite" >"$DIR/proxy.log" 2>&1 &
  PROXY_PID=$!; PIDS+=($PROXY_PID)
  wait_for "http://127.0.0.1:$PROXY_PORT/health/liveliness"
  wrk -t2 -c"$CONNECTIONS" -d"$((CRASH_AFTER + 1))s" -s "$WORK/post.lua" \
    "http://127.0.0.1:$PROXY_PORT/v1/chat/completions" >"$DIR/wrk.txt" 2>&1 &
  WRK_PID=$!
  sleep "$CRASH_AFTER"
  kill -KILL "$PROXY_PID"
  wait "$WRK_PID" || true
  wait "$PROXY_PID" 2>/dev/null || true
  kill "$MOCK_PID" 2>/dev/null || true
  wait "$MOCK_PID" 2>/dev/null || true
  COMPLETED="$(awk '/requests in/ {print $1}' "$DIR/wrk.txt")"
  NON2XX="$(awk '/Non-2xx/ {print $NF}' "$DIR/wrk.txt")"
  ANSWERED=$((COMPLETED - ${NON2XX:-0}))
  ROWS="$(sqlite3 "$DIR/spend.sqlite" 'SELECT count(*) FROM "LiteLLM_SpendLogs"')"
  LOST=$((ANSWERED - ROWS))
  awk -v r="$round" -v a="$ANSWERED" -v n="$ROWS" -v l="$LOST" -v t="$CRASH_AFTER" \
    'BEGIN {printf "round %d: %d answered, %d rows on disk, %d lost (%.2f %%, %.0f ms of traffic at %.0f req/s)\n", r, a, n, l, 100*l/a, 1000*l/(a/t), a/t}'
done
