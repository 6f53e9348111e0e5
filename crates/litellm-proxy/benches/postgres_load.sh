#!/usr/bin/env bash
# CPU per request of litellm-proxy with its spend store in Postgres, against SQLite and no store,
# loopback only: a throw-away PostgreSQL (initdb + pg_ctl in a scratch directory, as the
# `postgres` user when run as root), the in-repo mock upstream, and three proxies on one config.
#
#   bash crates/litellm-proxy/benches/postgres_load.sh [seconds-per-run] [rounds]
#        (defaults 5 and 3; needs `wrk` and PostgreSQL's binaries: apt-get install -y wrk postgresql)
#
# For each round and each proxy, in turn: a `wrk -t2 -c32` run, and the CPU time (utime + stime
# from /proc) of the proxy process, of its store's own threads (`spend-writer*`, and for Postgres
# the `postgres-store` runtime its connections run on), and of the Postgres server (the postmaster, its live
# backends and the children it reaped), divided by the requests answered; a run ends when the
# proxy's writer has nothing pending, so the rows it wrote count in it. Prints the median round
# of each, and checks that the Postgres proxy wrote one row per answered request.
set -euo pipefail

DURATION="${1:-5}"
ROUNDS="${2:-3}"
# shellcheck source=bench_common.sh
source "$(dirname "$0")/bench_common.sh"
require_tools wrk
PGBIN="$(pg_config --bindir 2>/dev/null || true)"
if [ ! -x "$PGBIN/initdb" ]; then PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"; fi
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 2; }
build_release

chmod 755 "$WORK"
PGDIR="$WORK/pg"
mkdir -p "$PGDIR"
AS_PG=()
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDIR"; AS_PG=(runuser -u postgres --); fi
PG_PORT="$(free_port)"
"${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C >"$WORK/initdb.log" 2>&1
# Durable settings (fsync on): what a deployment would run.
"${AS_PG[@]}" "$PGBIN/pg_ctl" start -w -D "$PGDIR/data" -l "$PGDIR/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PGDIR" >/dev/null
stop_pg() { "${AS_PG[@]}" "$PGBIN/pg_ctl" stop -D "$PGDIR/data" -m fast >/dev/null 2>&1 || true; cleanup; }
trap stop_pg EXIT
PG_URL="postgresql://postgres:bench@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
POSTMASTER="$(head -1 "$PGDIR/data/postmaster.pid")"

start_mock
write_chat_config "$WORK/config.yaml"

declare -A PORT PID
start_proxy() { # name env-assignment... -- args...
  local name="$1"; shift
  local envs=() args=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  args=("$@")
  PORT[$name]="$(free_port)"
  env "${envs[@]}" "$TARGET/release/litellm-proxy" --config "$WORK/config.yaml" --port "${PORT[$name]}" \
    "${args[@]}" >"$WORK/proxy-$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=($!)
  wait_for "http://127.0.0.1:${PORT[$name]}/health/liveliness"
}
start_proxy none LITELLM_PROXY_STATE_DIR="$WORK" -- --no-spend-db
start_proxy sqlite LITELLM_PROXY_STATE_DIR="$WORK" -- --spend-db "$WORK/spend.sqlite"
start_proxy postgres LITELLM_PROXY_STATE_DIR="$WORK" DATABASE_URL="$PG_URL" --
grep -q "Postgres database" "$WORK/proxy-postgres.log" || { echo "the postgres proxy is not on Postgres" >&2; exit 1; }

write_post_lua
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() { # the postmaster with the children it reaped, and its live children
  local total child
  total="$(awk '{print $14 + $15 + $16 + $17}' "/proc/$POSTMASTER/stat")"
  for child in $(pgrep -P "$POSTMASTER"); do
    total=$((total + $(ticks "$child" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
store_ticks() { # pid -> utime + stime of the store's own threads (spend-*, postgres-store)
  local total=0 task
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      spend-*|postgres-store*) total=$((total + $(awk '{print $14 + $15}' "$task/stat"))) ;;
    esac
  done
  echo "$total"
}
HZ="$(getconf CLK_TCK)"
pending() { curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$1/metrics" | awk '$1 == "litellm_proxy_spend_rows_pending" {print $2}'; }
drained() { # port: waits (up to 60 s) until the proxy's writer has no row pending
  local p
  for _ in $(seq 1 600); do
    p="$(pending "$1")"
    if [ -z "$p" ] || [ "$p" = 0 ]; then return 0; fi
    sleep 0.1
  done
  echo "the writer of the proxy on port $1 still has $p rows pending" >&2
}
for name in none sqlite postgres; do   # warm the pools
  wrk -t1 -c4 -d1s -s "$WORK/post.lua" "http://127.0.0.1:${PORT[$name]}/v1/chat/completions" >/dev/null 2>&1
done
sleep 0.5
declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  for name in none sqlite postgres; do
    p0="$(ticks "${PID[$name]}")"; s0="$(pg_ticks)"; t0="$(store_ticks "${PID[$name]}")"
    wrk -t2 -c32 -d"${DURATION}s" -s "$WORK/post.lua" "http://127.0.0.1:${PORT[$name]}/v1/chat/completions" >"$WORK/$name-$round.txt" 2>&1
    drained "${PORT[$name]}"   # the writer's last batches count in this run
    p1="$(ticks "${PID[$name]}")"; s1="$(pg_ticks)"; t1="$(store_ticks "${PID[$name]}")"
    n="$(awk '/requests in/ {print $1}' "$WORK/$name-$round.txt")"
    e="$(awk '/Non-2xx|Socket errors/ {print}' "$WORK/$name-$round.txt")"
    [ -z "$e" ] || echo "errors in $name round $round: $e"
    RESULTS[$name]+="$(awk -v p=$((p1 - p0)) -v s=$((s1 - s0)) -v t=$((t1 - t0)) -v n="$n" -v hz="$HZ" -v rps="$(awk '/Requests\/sec/ {print $2}' "$WORK/$name-$round.txt")" \
      'BEGIN {printf "%.1f %.1f %.1f %.0f\n", p * 1e6 / hz / n, s * 1e6 / hz / n, t * 1e6 / hz / n, rps}')"$'\n'
  done
done
median() { printf '%s' "${RESULTS[$1]}" | awk 'NF' | sort -n -k1,1 | awk -v n="$ROUNDS" 'NR == int((n+1)/2)'; }
echo "litellm-proxy CPU per request by spend store ($(nproc) cores, wrk -t2 -c32, ${DURATION}s x $ROUNDS rounds, median round by proxy CPU; load average $(cut -d' ' -f1-3 /proc/loadavg))"
for name in none sqlite postgres; do
  read -r proxy server store rps <<<"$(median "$name")"
  if [ "$name" = postgres ]; then
    printf "%-9s proxy %6s us/request (its store threads %s), Postgres server %6s us/request (%s req/s)\n" "$name" "$proxy" "$store" "$server" "$rps"
  else
    printf "%-9s proxy %6s us/request (its store threads %s) (%s req/s)\n" "$name" "$proxy" "$store" "$rps"
  fi
done
printf 'rounds (proxy us, server us, store threads us, req/s):\n'
for name in none sqlite postgres; do printf '  %s: %s\n' "$name" "$(printf '%s' "${RESULTS[$name]}" | awk 'NF' | paste -sd ';')"; done
drained "${PORT[postgres]}"
ROWS="$("$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc 'SELECT count(*) FROM "LiteLLM_SpendLogs"' postgres)"
METRICS="$(curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:${PORT[postgres]}/metrics")"
echo "postgres: $ROWS rows in LiteLLM_SpendLogs; metrics: $(printf '%s\n' "$METRICS" | grep -E '^litellm_proxy_spend_rows_(written_total|dropped_total|pending) ' | tr '\n' ' ')"
