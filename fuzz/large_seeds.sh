#!/bin/sh
# Writes seed inputs above 1 MB into fuzz/corpus/<target>/ (git-ignored): the shapes that were
# quadratic before issue 12 (a JSON5 object with 100,000 keys, multi-line and on one line; 25,000
# unknown providers; a YAML mapping with 100,000 keys and repeats). libFuzzer mutates from them,
# so its -max_len must let them through (README, Development):
#   fuzz/large_seeds.sh
#   RUSTC_BOOTSTRAP=1 cargo fuzz run check -- -max_len=4194304 -timeout=10 -rss_limit_mb=4096
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/json5_read corpus/yaml_read corpus/check

keys_json5() { # $1: separator between keys
    awk -v sep="$1" 'BEGIN { printf "{"; for (i = 0; i < 100000; i++) printf "%skey_%06d: %d", (i ? sep : ""), i, i; print "}" }'
}
providers_yaml() {
    awk 'BEGIN { print "model_list:"; for (i = 0; i < 25000; i++) printf "  - model_name: g%d\n    litellm_params:\n      model: provider%d/m\n", i, i }'
}
keys_yaml() {
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "key_%06d: %d\n", i % 90000, i }'
}

keys_json5 ',
' > corpus/json5_read/keys-100k.json5
keys_json5 ', ' > corpus/json5_read/keys-100k-one-line.json5
keys_yaml > corpus/yaml_read/keys-100k-repeats.yaml
providers_yaml > corpus/yaml_read/providers-25k.yaml
# The check target reads the first byte as the format: even LiteLLM, odd OpenClaw.
{ printf 0; providers_yaml; } > corpus/check/providers-25k
{ printf 0; keys_yaml; } > corpus/check/keys-100k-repeats
{ printf 1; keys_json5 ',
'; } > corpus/check/keys-100k
{ printf 1; keys_json5 ', '; } > corpus/check/keys-100k-one-line
ls -l corpus/*/
