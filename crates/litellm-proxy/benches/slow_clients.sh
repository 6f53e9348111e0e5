#!/usr/bin/env bash
# Slow clients (issue 12): N connections (default 1100, over the proxy's open-file limit of 1024
# set here) each send a request header one byte a second, while a normal request a second is
# timed. Loopback only; default proxy settings (--header-timeout 30, --keepalive-timeout 5,
# --max-connections 400).
#
#   bash crates/litellm-proxy/benches/slow_clients.sh [N]
set -euo pipefail

N="${1:-1100}"
# shellcheck source=bench_common.sh
. "$(dirname "$0")/bench_common.sh"
build_release

start_mock
write_chat_config "$WORK/config.yaml"
PROXY_PORT="$(free_port)"
(ulimit -n 1024; exec "$TARGET/release/litellm-proxy" --config "$WORK/config.yaml" --port "$PROXY_PORT") \
  >"$WORK/proxy.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$PROXY_PORT/health/liveliness"
ulimit -n "$((N + 1024))" 2>/dev/null || true
python3 "$(dirname "$0")/slow_clients.py" "$PROXY_PORT" "$N" "$KEY"
grep "cannot accept" "$WORK/proxy.log" | head -3 || true
