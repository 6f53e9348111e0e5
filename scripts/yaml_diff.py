#!/usr/bin/env python3
"""Compare our YAML reader's typed tree with PyYAML 6 `yaml.safe_load` over a set of files.

Usage: scripts/yaml_diff.py [FILES or DIRS...]   (default: /work/shared/corpus/litellm*/)
Builds and runs `cargo run --release --example yaml_dump`. Needs `pip install pyyaml`.
"""
import datetime, glob, json, math, os, subprocess, sys

import yaml


def typed(v):
    if v is None:
        return ["null"]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        if -2**63 <= v < 2**63:
            return ["int", v]
        return ["float", repr(float(v))]
    if isinstance(v, float):
        return ["float", repr(v)]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, (datetime.date, datetime.datetime)):
        return ["ts"]
    if isinstance(v, list):
        return ["seq"] + [typed(x) for x in v]
    if isinstance(v, dict):
        return ["map"] + [[typed(k), typed(x)] for k, x in v.items()]
    return ["other", type(v).__name__]


def normalise(ours):
    """Our dump, with floats canonicalised as Python reprs and timestamp text dropped."""
    if isinstance(ours, list) and ours:
        tag = ours[0]
        if tag == "float":
            f = float(ours[1].replace("inf", "inf"))
            return ["float", "nan" if math.isnan(f) else repr(f)]
        if tag == "ts":
            return ["ts"]
        if tag in ("seq",):
            return ["seq"] + [normalise(x) for x in ours[1:]]
        if tag == "map":
            return ["map"] + [[normalise(k), normalise(v)] for k, v in ours[1:]]
    return ours


def py_normalise(t):
    if isinstance(t, list) and t and t[0] == "float":
        return ["float", "nan" if t[1] == "nan" else t[1]]
    if isinstance(t, list) and t and t[0] == "seq":
        return ["seq"] + [py_normalise(x) for x in t[1:]]
    if isinstance(t, list) and t and t[0] == "map":
        return ["map"] + [[py_normalise(k), py_normalise(v)] for k, v in t[1:]]
    return t


def main():
    args = sys.argv[1:] or sorted(glob.glob("/work/shared/corpus/litellm*/"))
    files = []
    for a in args:
        if os.path.isdir(a):
            files += sorted(glob.glob(os.path.join(a, "**", "*.y*ml"), recursive=True))
        else:
            files.append(a)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        ["cargo", "run", "-q", "--release", "--example", "yaml_dump", "--"] + files,
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    ours = {}
    for line in out.splitlines():
        rec = json.loads(line)
        ours[rec["file"]] = rec
    agree = 0
    disagreements = []
    for f in files:
        try:
            with open(f, "rb") as fh:
                theirs = ("ok", py_normalise(typed(yaml.safe_load(fh.read().decode("utf-8")))))
        except Exception as e:  # noqa: BLE001 - any failure of safe_load is "rejects"
            theirs = ("error", str(e).split("\n")[0])
        rec = ours.get(f, {})
        if "error" in rec:
            mine = ("error", rec["error"])
        else:
            root_ = rec.get("root")
            mine = ("ok", normalise(root_) if root_ is not None else ["null"])
        if theirs[0] == mine[0] == "error" or theirs == mine:
            agree += 1
        else:
            disagreements.append((f, theirs, mine))
    for f, theirs, mine in disagreements:
        print(f"DIFF {f}\n  pyyaml: {str(theirs)[:300]}\n  ours:   {str(mine)[:300]}")
    print(f"{agree}/{len(files)} files agree with PyYAML safe_load")
    return 1 if disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
