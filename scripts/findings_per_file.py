#!/usr/bin/env python3
"""Findings per LiteLLM corpus file, for docs/corpus-agreement.md.

    python3 scripts/findings_per_file.py [BINARY] [CORPUS_DIR]

Checks every YAML file of CORPUS_DIR/litellm and CORPUS_DIR/litellm-docs (default: ../shared/corpus)
with `BINARY check --isolated --format json --config FILE` (default: target/debug/litellm-check) in
an empty environment, and prints the median, 90th percentile, max, mean and total of findings per
file, and the most frequent codes.
"""
import collections
import glob
import json
import os
import statistics
import subprocess
import sys

binary = sys.argv[1] if len(sys.argv) > 1 else "target/debug/litellm-check"
corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join("..", "shared", "corpus")
files = sorted(
    f
    for d in ("litellm", "litellm-docs")
    for f in glob.glob(os.path.join(corpus, d, "*"))
    if f.endswith((".yaml", ".yml"))
)
counts, codes = [], collections.Counter()
for f in files:
    out = subprocess.run(
        ["env", "-i", "PATH=/usr/bin:/bin", binary, "check", "--isolated", "--format", "json", "--config", f],
        capture_output=True,
        text=True,
    ).stdout
    diagnostics = json.loads(out)["diagnostics"]
    counts.append(len(diagnostics))
    codes.update(d["code"] for d in diagnostics)
counts.sort()
n = len(counts)
print(
    f"{n} files: median {statistics.median(counts)}, 90th percentile {counts[int(0.9 * (n - 1))]}, "
    f"max {counts[-1]}, mean {sum(counts) / n:.2f}, all {sum(counts)}"
)
print("most frequent:", ", ".join(f"{c} {k}" for c, k in codes.most_common(12)))
