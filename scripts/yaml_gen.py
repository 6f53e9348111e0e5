#!/usr/bin/env python3
"""Writes random config-like YAML documents for scripts/yaml_diff.py (differential testing
against PyYAML). Usage: scripts/yaml_gen.py OUT_DIR [COUNT] [SEED]"""
import os, random, sys

SCALARS = ["yes", "No", "on", "OFF", "y", "n", "~", "null", "", "0", "-0", "12", "+12", "1_000", "0755",
           "010", "09", "0x1F", "0b101", "1:30", "190:20:30", "1:60", "3e-06", "1.5e-6", "1.0e+3", "1.",
           ".5", "-.5", ".inf", "-.Inf", ".nan", "1:30.5", "2024-01-01", "2024-1-1",
           "2024-01-01 10:00:00", "2024-01-01T10:00:00Z", "2024-02-30", "os.environ/KEY", "gpt-4o",
           "azure/gpt-4o", "http://x:8080/v1", "a b c", "a: b", "a #b", "a#b", "'q'", '"dq"', "'it''s'",
           '"tab\\tx"', '"\\u00e9"', "é", "日本", "-", "?", ":", "<<", "=", "*", "&", "!", "%", "@x", "`x",
           "!!str 1", "!!int '7'", "!!float 1e3", "!!bool yes", "!!null x", "! 12", "!custom x",
           "!!python/none ''", "[]", "{}", "[1, 2]", "{a: 1}", "[a: 1]", "{a, b}", "9223372036854775808"]
KEYS = ["model_name", "model", "api_key", "rpm", "a", "b", "1", "1.0", "true", "~", "'q'", '"dq"', "on",
        "2024-01-01", "<<", "'<<'", "=", "? x", "[1]", "{a: 1}", "é", "k k"]
INDENT_NOISE = ["", " ", "\t", "  \t"]


def scalar(r):
    return r.choice(SCALARS)


def block(r, depth, indent, anchors):
    kind = r.random()
    pad = " " * indent
    lines = []
    if depth > 3 or kind < 0.3:
        return None
    if kind < 0.65:
        for _ in range(r.randint(1, 4)):
            key = r.choice(KEYS)
            prop = ""
            if r.random() < 0.1:
                name = r.choice("abc")
                prop = f"&{name} "
                anchors.append(name)
            child = block(r, depth + 1, indent + r.choice([2, 2, 4, 1]), anchors)
            if child is None:
                val = scalar(r)
                if anchors and r.random() < 0.1:
                    val = "*" + r.choice(anchors)
                lines.append(f"{pad}{key}: {prop}{val}")
            else:
                lines.append(f"{pad}{key}: {prop}".rstrip())
                lines.extend(child)
            if r.random() < 0.05:
                lines.append(pad + r.choice(INDENT_NOISE) + "# comment")
    else:
        for _ in range(r.randint(1, 3)):
            child = block(r, depth + 1, indent + 2, anchors)
            if child is None:
                lines.append(f"{pad}- {scalar(r)}")
            else:
                lines.append(f"{pad}-")
                lines.extend(child)
    if r.random() < 0.05:
        i = r.randrange(len(lines))
        lines[i] = r.choice(INDENT_NOISE) + lines[i]
    return lines


def flow(r, depth):
    if depth > 3 or r.random() < 0.4:
        return scalar(r)
    sep = r.choice([", ", ",\n", ",\n  ", " ,", ","])
    if r.random() < 0.5:
        return "[" + sep.join(flow(r, depth + 1) for _ in range(r.randint(0, 3))) + "]"
    return "{" + sep.join(f"{r.choice(KEYS)}: {flow(r, depth + 1)}" for _ in range(r.randint(0, 3))) + "}"


def document(r):
    anchors = []
    lines = block(r, 0, 0, anchors) or ["k: v"]
    if r.random() < 0.3:
        lines.append(f"flow: {flow(r, 0)}")
    if r.random() < 0.1:
        lines.append("base: &m {x: 1, y: 2}")
        lines.append("merged: {<<: *m, y: 3}")
    if r.random() < 0.05:
        lines.insert(0, r.choice(["---", "%YAML 1.1\n---", "# c"]))
    if r.random() < 0.03:
        lines.append(r.choice(["---", "...", "--- x"]))
    return "\n".join(lines) + r.choice(["\n", "", "\n\n"])


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        with open(os.path.join(out, f"gen{i:05}.yaml"), "w", encoding="utf-8") as f:
            f.write(document(r))


if __name__ == "__main__":
    main()
