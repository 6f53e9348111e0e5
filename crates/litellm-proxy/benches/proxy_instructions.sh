#!/usr/bin/env bash
# Instructions the proxy executes per request, counted by callgrind: repeatable on a shared
# machine, where CPU time per request (proxy_load.sh) moves with whatever else runs.
#
#   bash crates/litellm-proxy/benches/proxy_instructions.sh [requests] [proxy-binary...]
#
# (needs valgrind and ab: apt-get install -y valgrind apache2-utils). For each binary (default:
# this tree's release build) it starts the in-repo mock natively and the proxy under callgrind,
# once without and once with the spend store, warms it up, zeroes the counters, sends
# `requests` chat completions (default 2000) with `ab -k -c 32`, and dumps the counters: the
# instructions of every proxy thread over exactly those requests (the spend writer included),
# divided by the requests. Give an older build's binary as a second argument to compare two
# commits in one run; multiply the ratio by a quiet-machine CPU figure to estimate microseconds.
set -euo pipefail

REQUESTS="${1:-2000}"
shift || true
# shellcheck source=bench_common.sh
source "$(dirname "$0")/bench_common.sh"
require_tools valgrind callgrind_control ab
if [ "$#" -eq 0 ]; then
  build_release
  set -- "$TARGET/release/litellm-proxy"
fi

start_mock

write_chat_config "$WORK/config.yaml"
printf '%s' '{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello to the benchmark"}]}' >"$WORK/body.json"

send() { # port count
  ab -q -l -k -c 32 -n "$2" -p "$WORK/body.json" -T application/json -H "Authorization: Bearer $KEY" \
    "http://127.0.0.1:$1/v1/chat/completions" >"$WORK/ab.txt" 2>&1
  local failed
  failed="$(awk '/^Failed requests|^Non-2xx/ {s += $NF} END {print s + 0}' "$WORK/ab.txt")"
  [ "$failed" = 0 ] || { echo "ab saw $failed failed requests" >&2; cat "$WORK/ab.txt" >&2; exit 1; }
}

measure() { # binary store(on|off) -> instructions per request
  local bin="$1" port out pid
  local -a store=()
  port="$(free_port)"
  out="$WORK/callgrind.$RANDOM"
  if [ "$2" = on ]; then
    store=(--spend-db "$WORK/spend.$RANDOM.sqlite")
  elif "$bin" --help 2>/dev/null | grep -q -- --no-spend-db; then
    store=(--no-spend-db)
  fi
  valgrind --tool=callgrind --callgrind-out-file="$out.%p" "$bin" --config "$WORK/config.yaml" \
    --port "$port" "${store[@]}" >"$WORK/proxy.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health/liveliness" 2>/dev/null && break
    sleep 0.02
  done
  send "$port" 500 # warm-up: pools, caches, the first batch of the spend writer
  sleep 1
  callgrind_control -z "$pid" >/dev/null 2>&1
  send "$port" "$REQUESTS"
  sleep 1 # the spend writer's last batch (it commits every 100 ms)
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  # The dump after zeroing holds exactly the counted interval; sum its totals.
  local total
  total="$(cat "$out.$pid".* 2>/dev/null | awk '/^totals:/ {s += $2} END {print s + 0}')"
  awk -v t="$total" -v n="$REQUESTS" 'BEGIN {printf "%.0f", t / n}'
}

echo "instructions per chat completion (callgrind, $REQUESTS requests at 32 connections, mock upstream)"
for bin in "$@"; do
  bare="$(measure "$bin" off)"
  with="$(measure "$bin" on)"
  printf '%s: %s without the spend store, %s with it (the store: %s)\n' \
    "$bin" "$bare" "$with" "$((with - bare))"
done
