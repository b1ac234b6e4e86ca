#!/usr/bin/env python3
"""Turn Kingfisher's rule examples into a scan corpus for score.py.

usage: kingfisher-examples.py KINGFISHER_CHECKOUT OUT_DIR

Reads data/rules/*.yml (PyYAML; Nosey Parker's rule format). Every `examples:` entry of a
rule becomes OUT/pos/<rule-id>_<n>.txt, every `negative_examples:` entry OUT/neg/<rule-id>_<n>.txt;
OUT/truth.json lists the pos files as {"type": "<rule id> <rule name>", "file": "pos/..",
"lines": [1, N], "neutral": []}, the layout score.py reads.

Rules marked `visible: false` are identifiers that Kingfisher itself never reports (an
Auth0 domain, an AWS access key id, a Facebook app id): they only feed another rule's
`depends_on_rule`. Their positive examples are not secrets and are left out; their negative
examples are kept. The samples are Kingfisher's data (extracted at run time; never committed).
"""
import glob
import json
import os
import re
import sys

import yaml


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1:]
    rule_files = sorted(glob.glob(os.path.join(src, "data", "rules", "*.yml")))
    if not rule_files:
        sys.exit(f"no rules under {src}/data/rules")
    for kind in ("pos", "neg"):
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    truth, stats = [], {"rules": 0, "pos": 0, "neg": 0, "pos left out (visible: false)": 0}
    seq = 0
    for path in rule_files:
        with open(path) as f:
            doc = yaml.safe_load(f) or {}
        for rule in doc.get("rules") or []:
            stats["rules"] += 1
            rid, name = rule["id"], rule.get("name", "")
            hidden = rule.get("visible") is False
            samples = [("pos", t) for t in rule.get("examples") or []]
            samples += [("neg", t) for t in rule.get("negative_examples") or []]
            for kind, text in samples:
                if not isinstance(text, str) or not text.strip():
                    continue
                if kind == "pos" and hidden:
                    stats["pos left out (visible: false)"] += 1
                    continue
                if not text.endswith("\n"):
                    text += "\n"
                seq += 1  # rule ids are not always unique across files
                fname = re.sub(r"[^A-Za-z0-9_.-]", "_", rid) + f"_{seq}.txt"
                with open(os.path.join(out, kind, fname), "w") as f:
                    f.write(text)
                stats[kind] += 1
                if kind == "pos":
                    truth.append({"type": f"{rid} {name}", "file": f"pos/{fname}",
                                  "lines": [1, text.count("\n")], "neutral": []})
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f)
    print(json.dumps(stats), file=sys.stderr)


if __name__ == "__main__":
    main()
