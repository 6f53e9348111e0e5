#!/usr/bin/env bash
# Slow clients (issue 12): N connections (default 1100, over the proxy's open-file limit of 1024
# set here) each send a request header one byte a second, while a normal request a second is
# timed. Loopback only; default proxy settings (--header-timeout 30, --keepalive-timeout 5,
# --max-connections 400).
#
#   bash crates/litellm-proxy/benches/slow_clients.sh [N]
set -euo pipefail

N="${1:-1100}"
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$(mktemp -d)"
KEY="sk-bench-master-key"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

(cd "$ROOT" && cargo build --release --bin litellm-proxy --bin mock-upstream >&2)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {
  for _ in $(seq 1 500); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "timed out waiting for $1" >&2; exit 1
}

MOCK_PORT="$(free_port)"
"$TARGET/release/mock-upstream" --port "$MOCK_PORT" >"$WORK/mock.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$MOCK_PORT/mock/hits"
cat >"$WORK/config.yaml" <<YAML
model_list:
  - model_name: gpt-4o
    litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:$MOCK_PORT/v1", api_key: sk-upstream}
general_settings: {master_key: $KEY}
YAML
PROXY_PORT="$(free_port)"
(ulimit -n 1024; exec "$TARGET/release/litellm-proxy" --config "$WORK/config.yaml" --port "$PROXY_PORT") \
  >"$WORK/proxy.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PROXY_PORT/health/liveliness"
ulimit -n "$((N + 1024))" 2>/dev/null || true
python3 "$(dirname "$0")/slow_clients.py" "$PROXY_PORT" "$N" "$KEY"
grep "cannot accept" "$WORK/proxy.log" | head -3 || true
