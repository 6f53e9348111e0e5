# Shared by the benchmark scripts beside it (sourced, not run): the scratch directory and the
# processes stopped on exit, the release build, free ports, waiting for a URL, and wrk's request.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
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

require_tools() { # tool...
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install -y $tool)" >&2; exit 2; }
  done
}
build_release() { (cd "$ROOT" && cargo build --release --bin litellm-proxy --bin mock-upstream >&2); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url
  for _ in $(seq 1 500); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.01
  done
  echo "timed out waiting for $1" >&2; exit 1
}
write_post_lua() { # -> $WORK/post.lua: one chat completion with the master key
  cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o","messages":[{"role":"user","content":"Say hello to the benchmark"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
}
start_mock() { # [command prefix, e.g. nice -n -10] -> MOCK_PORT: the in-repo mock, answering
  MOCK_PORT="$(free_port)"
  "$@" "$TARGET/release/mock-upstream" --port "$MOCK_PORT" >"$WORK/mock.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$MOCK_PORT/mock/hits"
}
write_chat_config() { # file [yaml appended] -> one gpt-4o deployment on the mock, the master key
  cat >"$1" <<YAML
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: http://127.0.0.1:$MOCK_PORT/v1
      api_key: sk-upstream
general_settings:
  master_key: $KEY
${2:-}
YAML
}
