#!/usr/bin/env bash
# What sharing state through Redis costs a request: the same proxy config without and with
# `router_settings.redis_host`, each asked with the master key and with a virtual key that has an
# rpm_limit (so it is counted in Redis, one round trip a request), against the in-repo mock.
#
#   bash crates/litellm-proxy/benches/redis_keys.sh [seconds-per-run]   (default 10; needs wrk and
#                                                                        redis-server)
#
# Prints, per case, p50/p99 at 1 connection and throughput at 32 connections, and the proxy's
# (plus, with Redis, redis-server's) CPU time per request at 32 connections. Every process it
# starts is stopped on exit.
set -euo pipefail

DURATION="${1:-10}"
# shellcheck source=bench_common.sh
source "$(dirname "$0")/bench_common.sh"
require_tools wrk redis-server curl
build_release

start_mock

REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
PIDS+=($REDIS_PID)
for _ in $(seq 1 500); do
  [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
  sleep 0.01
done

write_chat_config "$WORK/local.yaml"
write_chat_config "$WORK/redis.yaml" "router_settings:
  redis_host: 127.0.0.1
  redis_port: $REDIS_PORT"

start_proxy() { # name config -> port in $WORK/name.port, pid in $WORK/name.pid
  local port
  port="$(free_port)"
  "$TARGET/release/litellm-proxy" --config "$2" --port "$port" --threads 2 \
    --spend-db "$WORK/$1.sqlite" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  echo "$!" >"$WORK/$1.pid"
  echo "$port" >"$WORK/$1.port"
  wait_for "http://127.0.0.1:$port/health/liveliness"
}
start_proxy local "$WORK/local.yaml"
start_proxy redis "$WORK/redis.yaml"

new_key() { # port -> a key with an rpm_limit no run reaches
  curl -fsS "http://127.0.0.1:$1/key/generate" -H "authorization: Bearer $KEY" \
    -H 'content-type: application/json' -d '{"rpm_limit": 1000000000}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])'
}

post_lua() { # key -> file
  local file="$WORK/post-$RANDOM.lua"
  cat >"$file" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello to the benchmark"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
LUA
  echo "$file"
}

cpu_ticks() { # pid -> utime+stime in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

printf '%-28s %10s %10s %14s %16s\n' case p50 p99 "req/s (c32)" "CPU us/request"
for store in local redis; do
  port="$(cat "$WORK/$store.port")"
  pid="$(cat "$WORK/$store.pid")"
  virtual="$(new_key "$port")"
  for caller in master virtual; do
    if [ "$caller" = master ]; then lua="$(post_lua "$KEY")"; else lua="$(post_lua "$virtual")"; fi
    url="http://127.0.0.1:$port/v1/chat/completions"
    wrk -t1 -c1 -d2 -s "$lua" "$url" >/dev/null # warm-up
    latency="$(wrk -t1 -c1 -d"$DURATION" --latency -s "$lua" "$url")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$latency")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$latency")"
    before=$(( $(cpu_ticks "$pid") + $(cpu_ticks "$REDIS_PID") ))
    load="$(wrk -t2 -c32 -d"$DURATION" -s "$lua" "$url")"
    after=$(( $(cpu_ticks "$pid") + $(cpu_ticks "$REDIS_PID") ))
    requests="$(awk '/requests in/ {print $1}' <<<"$load")"
    rate="$(awk '/Requests\/sec/ {print $2}' <<<"$load")"
    ticks_per_second="$(getconf CLK_TCK)"
    cpu_us=$(python3 -c "print(round(($after - $before) / $ticks_per_second * 1e6 / $requests, 1))")
    printf '%-28s %10s %10s %14s %16s\n' "$store, $caller key" "$p50" "$p99" "$rate" "$cpu_us"
  done
done
