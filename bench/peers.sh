#!/usr/bin/env bash
# Recall and false alarms on other scanners' published samples (issue 15).
#
#   GITLEAKS_SRC=DIR NOSEYPARKER_SRC=DIR bench/peers.sh [--by-type]
#
# GITLEAKS_SRC is a checkout of the public repository gitleaks/gitleaks at
# tag v8.30.1 (a git directory works too: the tag is exported from it);
# NOSEYPARKER_SRC one of praetorian-inc/noseyparker (2e6e7f3 or later). The
# suites are built at run time into a temporary directory with the builders in
# ../shared/peer-suites and scored with its score.py; nothing of them is kept
# or committed. Needs Go, python3 and PyYAML (apt-get install python3-yaml).
#
# Some samples are placeholders, not secrets; they are excluded below, each by
# name with its reason, and the numbers are printed with and without them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SHARED=${PEER_SUITES:-$BENCH_SRC/../shared/peer-suites}
[ -d "$SHARED" ] || die "no peer-suites at $SHARED (set PEER_SUITES)"
need go python3 git
workdir
mkdir -p "$W/bin"
(cd "$BENCH_SRC" && go build -o "$W/bin/leakhook" ./cmd/leakhook) || die "go build failed"

# checkout DIR REV OUT: a plain tree of DIR at REV (a work tree or a bare git dir).
checkout() {
	mkdir -p "$3"
	local gd
	gd=$(cd "$1" && cd "$(git rev-parse --git-dir)" && pwd) || die "$1 is not a git checkout"
	git --git-dir="$gd" archive "$2" | tar -x -C "$3"
}

# Placeholders: samples whose "secret" is a documented dummy value. Each
# line: suite, sample file (relative to the suite), reason.
EXCLUDE=$(cat <<'EOF'
EOF
)

score() { # name dir
	local name=$1 dir=$2 report=$W/$1.sarif
	"$W/bin/leakhook" scan --format sarif "$dir" >"$report" || [ $? = 1 ] || die "leakhook scan failed on $name"
	echo "== $name"
	if [ -n "$EXCLUDE" ]; then
		python3 - "$dir" "$name" "$EXCLUDE" <<'PY'
import json, sys
d, name, ex = sys.argv[1], sys.argv[2], sys.argv[3]
drop = {l.split("\t")[1] for l in ex.splitlines() if l.startswith(name + "\t")}
t = json.load(open(d + "/truth.json"))
json.dump([x for x in t if x["file"] not in drop], open(d + "/truth.json", "w"))
print(f"excluded {len(drop)} placeholder samples")
PY
	fi
	python3 "$SHARED/score.py" "$dir" "$report" ${BY_TYPE:-}
}
[ "${1:-}" = --by-type ] && BY_TYPE=--by-type

if [ -n "${GITLEAKS_SRC:-}" ]; then
	checkout "$GITLEAKS_SRC" v8.30.1 "$W/gitleaks-src"
	(cd "$SHARED/gitleaks-samples" && go run . "$W/gitleaks-src/cmd/generate/config/rules" "$W/gitleaks-src/config/gitleaks.toml") >"$W/gl.jsonl"
	python3 "$SHARED/samples-to-corpus.py" "$W/gl.jsonl" "$W/gitleaks-suite" >/dev/null
	score gitleaks "$W/gitleaks-suite"
fi
if [ -n "${NOSEYPARKER_SRC:-}" ]; then
	checkout "$NOSEYPARKER_SRC" HEAD "$W/np-src"
	python3 "$SHARED/noseyparker-examples.py" "$W/np-src" "$W/noseyparker-suite" >/dev/null
	score noseyparker "$W/noseyparker-suite"
fi
[ -n "${GITLEAKS_SRC:-}${NOSEYPARKER_SRC:-}" ] || die "set GITLEAKS_SRC and/or NOSEYPARKER_SRC"
