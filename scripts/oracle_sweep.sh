#!/usr/bin/env bash
# Puts corpus files through the real LiteLLM proxy (../shared/oracles/litellm-oracle.sh, which
# needs `litellm[proxy]` in ~/.peers/litellm-venv) and prints, per file, our error codes and the
# real proxy's verdict, as TSV: file, codes (empty: we report no error), verdict.
#
#   bash scripts/oracle_sweep.sh [clean|errors|all] [DIR ...]   (default: all litellm litellm-docs)
#
# `clean` files are where a refusal by the real proxy may be a rule we lack; `errors` files are
# where our error claims are checked. Never run from tests: it needs the real tool and takes
# seconds per file.
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="$ROOT/../shared/corpus"
ORACLE="$ROOT/../shared/oracles/litellm-oracle.sh"
MODE="${1:-all}"; shift || true
DIRS=("${@:-litellm litellm-docs}")
BIN="${LITELLM_CHECK:-$ROOT/target/release/litellm-check}"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --release --bin litellm-check >&2)
# The oracle judges the file, not the machine: a weak master key is allowed so it does not hide
# everything else.
export LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY=true
for dir in ${DIRS[@]}; do
  for f in "$CORPUS/$dir"/*.yaml; do
    codes=$("$BIN" check --config "$f" --format json 2>/dev/null | python3 -c \
      'import sys,json; d=json.load(sys.stdin); print(",".join(sorted({x["code"] for x in d["diagnostics"] if x["severity"]=="error"})))' 2>/dev/null)
    case "$MODE" in
      clean) [ -z "$codes" ] || continue ;;
      errors) [ -n "$codes" ] || continue ;;
    esac
    verdict=$(bash "$ORACLE" "$f" 2>&1 | tail -1 | cut -c1-300)
    printf '%s\t%s\t%s\n' "${f#"$CORPUS"/}" "$codes" "$verdict"
  done
done
