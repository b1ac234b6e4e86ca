#!/usr/bin/env bash
# precision.sh scans code no one here wrote - Go's standard library source and
# Python's standard library - with leakhook and with gitleaks (installed at
# run time, never committed), prints both tools' finding counts by rule, and
# lists every place gitleaks reports that leakhook does not (same file, a
# leakhook finding on none of the lines gitleaks names), with the secret
# masked, so that each can be judged by hand: a real secret leakhook misses,
# or noise.
#
# Usage: bench/precision.sh [DIR...]   (default: Go's and Python's stdlib)
# Environment: BENCH_DIR (keep reports and tools), GITLEAKS_VERSION (v8.30.1).
# Needs: go, git, python3 (also the default second target).
set -euo pipefail
export LC_ALL=C
. "$(dirname "$0")/lib.sh"
need go git python3
isolate_git
workdir
tools
mkdir -p "$W/precision"
if [ $# -eq 0 ]; then
	# Python's standard library as CPython's source tree has it (Lib/): the
	# installed copy also holds third-party site-packages, bytecode and build
	# files, and lives under lib/pythonX.Y/, a path gitleaks' default
	# allowlist skips entirely (it reports nothing there).
	py=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
	rm -rf "$W/precision/Lib"
	mkdir -p "$W/precision/Lib"
	tar -C "$py" --exclude=./site-packages --exclude=__pycache__ --exclude='./config-*' -cf - . | tar -C "$W/precision/Lib" -xf -
	set -- "$(go env GOROOT)/src" "$W/precision/Lib"
fi
machine

i=0
for dir in "$@"; do
	i=$((i + 1))
	dir=$(cd "$dir" && pwd -P)
	lh=$W/precision/$i-leakhook.json gl=$W/precision/$i-gitleaks.json
	echo "scanning $dir" >&2
	rc=0
	# Both scan "." from inside the directory, so both report paths relative to it.
	(cd "$dir" && "$LEAKHOOK" scan --format json --output "$lh" .) || rc=$?
	[ "$rc" -le 1 ] || die "leakhook scan $dir exited $rc"
	rc=0
	(cd "$dir" && "$GITLEAKS" dir --no-banner -l error --report-format json --report-path "$gl" .) || rc=$?
	[ "$rc" -le 1 ] || die "gitleaks dir $dir exited $rc"
	python3 - "$dir" "$lh" "$gl" <<'EOF'
import json, os, sys
from collections import Counter

root, lh_path, gl_path = sys.argv[1:4]

def rel(p):
    p = os.path.normpath(p)
    return os.path.relpath(p, root) if os.path.isabs(p) else p

lh = (json.load(open(lh_path)) or {}).get("findings") or []
gl = json.load(open(gl_path)) or []
lh_by = Counter(f["rule_id"] for f in lh)
gl_by = Counter(f["RuleID"] for f in gl)
print(f"\n## {root}\n")
print(f"leakhook: {len(lh)} findings, gitleaks: {len(gl)} findings\n")
print("| tool | rule | findings |\n|---|---|---:|")
for tool, c in (("leakhook", lh_by), ("gitleaks", gl_by)):
    for rule, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"| {tool} | {rule} | {n} |")

lines = {}
for f in lh:
    span = range(f["line"], max(f["line"], f.get("end_line") or f["line"]) + 1)
    lines.setdefault(rel(f["file"]), set()).update(span)

def mask(s):
    s = s.replace("\n", " ")
    return s[:4] + "…" + f"({len(s)} chars)" if len(s) > 4 else "…"

missed = [f for f in gl
          if not any(l in lines.get(rel(f["File"]), ()) for l in range(f["StartLine"], f["EndLine"] + 1))]
print(f"\nreported by gitleaks, not by leakhook: {len(missed)}\n")
if missed:
    print("| file:line | gitleaks rule | secret (masked) |\n|---|---|---|")
    for f in sorted(missed, key=lambda f: (rel(f["File"]), f["StartLine"])):
        print(f"| {rel(f['File'])}:{f['StartLine']} | {f['RuleID']} | {mask(f['Secret'])} |")
EOF
done
