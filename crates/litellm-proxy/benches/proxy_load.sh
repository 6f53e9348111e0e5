#!/usr/bin/env bash
# Load benchmark of litellm-proxy against the in-repo mock upstream, loopback only.
#
#   bash crates/litellm-proxy/benches/proxy_load.sh [seconds-per-run]      (default 10; needs `wrk`: apt-get install -y wrk)
#   BENCH_NICE=-10 bash crates/litellm-proxy/benches/proxy_load.sh        (as root: run mock, proxy and wrk ahead of other
#                                                     work on a shared machine, to cut scheduling noise)
#   BENCH_RT=1 bash crates/litellm-proxy/benches/proxy_load.sh            (as root: the 1-connection latency runs use
#                                                     SCHED_FIFO, so other load on a shared machine
#                                                     does not set the p99; they sleep on I/O, so
#                                                     nothing else starves)
#
# Prints, for the same mock and the same request: throughput at 32 connections straight to the
# mock and through the proxy, p50/p99 at 1 connection both ways (the difference is the proxy's
# added latency), the proxy's idle and post-load RSS, and its time to ready (process start to
# the first answered /health/liveliness), and the proxy's own CPU time per request at 32
# connections with and without the spend store (CPU time of the proxy process over a run divided
# by the requests answered: stable on a shared machine where throughput is not), and the same for
# Anthropic's Messages API and OpenAI's Responses API answered through the translation to and
# from chat completions (against plain chat on the same proxy), embeddings and legacy text
# completions. Every process it starts is stopped on exit.
set -euo pipefail

DURATION="${1:-10}"
NICE=()
if [ -n "${BENCH_NICE:-}" ]; then NICE=(nice -n "$BENCH_NICE"); fi
# shellcheck source=bench_common.sh
source "$(dirname "$0")/bench_common.sh"
require_tools wrk
build_release

now_ms() { date +%s%3N; }

start_mock "${NICE[@]}"

cat >"$WORK/config.yaml" <<YAML
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-upstream
  # A chat-only OpenAI-compatible deployment: /v1/responses goes through LiteLLM's Responses
  # bridge (chat completions upstream), as for any provider without a native Responses API.
  - model_name: chat-only
    litellm_params:
      model: hosted_vllm/gpt-4o
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-upstream
  - model_name: embedder
    litellm_params:
      model: openai/text-embedding-3-small
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-upstream
  - model_name: instruct
    litellm_params:
      model: text-completion-openai/gpt-3.5-turbo-instruct
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-upstream
general_settings:
  master_key: $KEY
YAML

PROXY_PORT="$(free_port)"
START="$(now_ms)"
"${NICE[@]}" "$TARGET/release/litellm-proxy" --config "$WORK/config.yaml" --port "$PROXY_PORT" \
  --spend-db "$WORK/spend.sqlite" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=($PROXY_PID)
wait_for "http://127.0.0.1:$PROXY_PORT/health/liveliness"
READY_MS=$(( $(now_ms) - START ))
sleep 0.5
IDLE_RSS_KB="$(awk '/VmRSS/ {print $2}' /proc/$PROXY_PID/status)"

# A second proxy on the same config without the spend store, for the CPU-per-request pair.
BARE_PORT="$(free_port)"
"${NICE[@]}" "$TARGET/release/litellm-proxy" --config "$WORK/config.yaml" --port "$BARE_PORT" \
  --no-spend-db >"$WORK/proxy-bare.log" 2>&1 &
BARE_PID=$!
PIDS+=($BARE_PID)
wait_for "http://127.0.0.1:$BARE_PORT/health/liveliness"

write_post_lua

# Anthropic's Messages API to the same OpenAI-protocol deployment: through the translation to and
# from chat completions, as Claude Code's requests go to a non-Anthropic model.
cat >"$WORK/messages.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o","max_tokens":64,"messages":[{"role":"user","content":"Say hello to the benchmark"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = "$KEY"
wrk.headers["anthropic-version"] = "2023-06-01"
LUA

# OpenAI's Responses API to the chat-only deployment: translated to a chat completion and the
# answer back to a Responses object (LiteLLM's Responses bridge).
cat >"$WORK/responses.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"chat-only","max_output_tokens":64,"input":"Say hello to the benchmark"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA

# Embeddings (two inputs, floats) and a legacy text completion, each natively upstream.
cat >"$WORK/embeddings.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"embedder","input":["Say hello to the benchmark","and again"],"encoding_format":"float"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
cat >"$WORK/completions.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"instruct","prompt":"Say hello to the benchmark","max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA

run() { # name connections threads url (the body: $LUA, default post.lua)
  "${NICE[@]}" wrk -t"$3" -c"$2" -d"${DURATION}s" --latency -s "${LUA:-$WORK/post.lua}" "$4" >"$WORK/$1.txt" 2>&1
}
rps() { awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt"; }
pct() { # name percentile -> milliseconds
  awk -v p="$2%" '$1 == p { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.3f", v }' "$WORK/$1.txt"
}
errors() { awk '/Non-2xx|Socket errors/ {print}' "$WORK/$1.txt"; }

DIRECT="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
PROXIED="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"
wrk -t1 -c4 -d2s -s "$WORK/post.lua" "$PROXIED" >/dev/null 2>&1   # warm the pools
# Throughput pairs, interleaved so that load from elsewhere on a shared machine hits both sides;
# the median pair (by ratio) is reported.
PAIRS="${BENCH_PAIRS:-3}"
RATIOS=()
for i in $(seq 1 "$PAIRS"); do
  run "direct32_$i" 32 2 "$DIRECT"
  run "proxy32_$i" 32 2 "$PROXIED"
  RATIOS+=("$(awk -v p="$(rps "proxy32_$i")" -v d="$(rps "direct32_$i")" -v i="$i" 'BEGIN {printf "%.4f %d", p/d, i}')")
done
MEDIAN="$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk -v n="$PAIRS" 'NR == int((n+1)/2) {print $2}')"
cp "$WORK/direct32_$MEDIAN.txt" "$WORK/direct32.txt"
cp "$WORK/proxy32_$MEDIAN.txt" "$WORK/proxy32.txt"
ALL_PAIRS="$(for i in $(seq 1 "$PAIRS"); do printf '%s/%s ' "$(rps "proxy32_$i")" "$(rps "direct32_$i")"; done)"
cpu_ticks() { # pid -> utime + stime of every thread, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
requests() { awk '/requests in/ {print $1}' "$WORK/$1.txt"; }
store_ticks() { # pid -> utime + stime of the store's own threads (spend-writer, spend-checkpoint)
  local total=0 task
  for task in /proc/"$1"/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in
      spend-*) total=$((total + $(awk '{print $14 + $15}' "$task/stat"))) ;;
    esac
  done
  echo "$total"
}
cpu_per_request() { # name pid url -> microseconds of proxy CPU per answered request
  local before after store_before store_after
  before="$(cpu_ticks "$2")"
  store_before="$(store_ticks "$2")"
  run "$1" 32 2 "$3"
  after="$(cpu_ticks "$2")"
  store_after="$(store_ticks "$2")"
  # The store's threads alone: steadier than the difference of two runs on a busy machine.
  awk -v t="$((store_after - store_before))" -v hz="$(getconf CLK_TCK)" -v n="$(requests "$1")" \
    'BEGIN {printf "%.1f", t * 1e6 / hz / n}' >"$WORK/$1.store"
  awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$(requests "$1")" \
    'BEGIN {printf "%.1f", t * 1e6 / hz / n}'
}
CPU_SPEND="$(cpu_per_request cpu_spend "$PROXY_PID" "$PROXIED")"
CPU_STORE_THREADS="$(cat "$WORK/cpu_spend.store")"
CPU_BARE="$(cpu_per_request cpu_bare "$BARE_PID" "http://127.0.0.1:$BARE_PORT/v1/chat/completions")"
CPU_MESSAGES="$(LUA="$WORK/messages.lua" cpu_per_request cpu_messages "$BARE_PID" "http://127.0.0.1:$BARE_PORT/v1/messages")"
CPU_RESPONSES="$(LUA="$WORK/responses.lua" cpu_per_request cpu_responses "$BARE_PID" "http://127.0.0.1:$BARE_PORT/v1/responses")"
CPU_EMBEDDINGS="$(LUA="$WORK/embeddings.lua" cpu_per_request cpu_embeddings "$BARE_PID" "http://127.0.0.1:$BARE_PORT/v1/embeddings")"
CPU_COMPLETIONS="$(LUA="$WORK/completions.lua" cpu_per_request cpu_completions "$BARE_PID" "http://127.0.0.1:$BARE_PORT/v1/completions")"
realtime() { # on|off: SCHED_FIFO for mock, proxy (all threads) during the latency runs
  [ -n "${BENCH_RT:-}" ] || return 0
  for pid in "${PIDS[@]}"; do
    if [ "$1" = on ]; then chrt -a -f -p 50 "$pid"; else chrt -a -o -p 0 "$pid"; fi
  done
}
realtime on
if [ -n "${BENCH_RT:-}" ]; then NICE=(chrt -f 50); fi
run direct1 1 1 "$DIRECT"
run proxy1 1 1 "$PROXIED"
realtime off
LOADED_RSS_KB="$(awk '/VmRSS/ {print $2}' /proc/$PROXY_PID/status)"

D32="$(rps direct32)"; P32="$(rps proxy32)"
D50="$(pct direct1 50)"; D99="$(pct direct1 99)"; P50="$(pct proxy1 50)"; P99="$(pct proxy1 99)"
echo "litellm-proxy load benchmark ($(nproc) cores, ${DURATION}s per run, wrk, loopback, mock with no delay${BENCH_NICE:+, nice $BENCH_NICE}${BENCH_RT:+, SCHED_FIFO latency runs}; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf "throughput  c=32: direct %s req/s, proxy %s req/s (%.0f%% of direct; median of %s pairs, proxy/direct: %s)\n" "$D32" "$P32" "$(echo "$P32 $D32" | awk '{print 100*$1/$2}')" "$PAIRS" "$ALL_PAIRS"
printf "latency     c=1:  direct p50 %s ms p99 %s ms; proxy p50 %s ms p99 %s ms\n" "$D50" "$D99" "$P50" "$P99"
printf "added       c=1:  p50 %.3f ms, p99 %.3f ms\n" "$(echo "$P50 $D50" | awk '{print $1-$2}')" "$(echo "$P99 $D99" | awk '{print $1-$2}')"
printf "cpu         c=32: proxy %s us/request with the spend store, %s us/request without (CPU time of the proxy process / requests); the store's own threads %s us/request\n" "$CPU_SPEND" "$CPU_BARE" "$CPU_STORE_THREADS"
printf "cpu         c=32: /v1/messages through chat translation %s us/request without the spend store (chat completions: %s)\n" "$CPU_MESSAGES" "$CPU_BARE"
printf "cpu         c=32: /v1/responses through the chat bridge %s us/request without the spend store (chat completions: %s)\n" "$CPU_RESPONSES" "$CPU_BARE"
printf "cpu         c=32: /v1/embeddings %s us/request, /v1/completions %s us/request, without the spend store\n" "$CPU_EMBEDDINGS" "$CPU_COMPLETIONS"
printf "memory:     idle RSS %.1f MB, after load %.1f MB\n" "$(echo "$IDLE_RSS_KB" | awk '{print $1/1024}')" "$(echo "$LOADED_RSS_KB" | awk '{print $1/1024}')"
printf "start:      ready in %s ms (process start to first /health/liveliness answer); %s\n" "$READY_MS" "$(grep -o 'ready in [0-9.]* ms' "$WORK/proxy.log" | head -1) inside the process"
for run_name in direct32 proxy32 direct1 proxy1 cpu_spend cpu_bare cpu_messages cpu_responses cpu_embeddings cpu_completions; do  # the reported runs
  e="$(errors "$run_name")"; [ -z "$e" ] || echo "errors in $run_name: $e"
done
