#!/bin/sh
# bench/prereceive.sh: the server guard on a push of a new branch of 1,000
# clean commits (bench case (c)'s shape), beside `git log -p` of the same
# commits (the floor) and the push without the hook (the transfer).
# Usage: bench/prereceive.sh [COMMITS]   (default 1000; ROUNDS=5)
set -eu
n=${1:-1000}
rounds=${ROUNDS:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/leakhook-prereceive.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$top" && go build -o "$work/leakhook" ./cmd/leakhook && go build -o "$work/genhistory" ./bench/genhistory)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/gitconfig" XDG_CONFIG_HOME="$work/config"
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

git init -q "$work/src"
cd "$work/src"
git commit -q --allow-empty -m base
base=$(git rev-parse HEAD)
"$work/genhistory" -ref refs/heads/new -from "$base" -commits "$n" -files 5 | git fast-import --quiet
git init -q --bare "$work/plain.git"
git init -q --bare "$work/guarded.git"
(cd "$work/guarded.git" && "$work/leakhook" install --server >/dev/null)
git push -q "$work/plain.git" main
git push -q "$work/guarded.git" main

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$work/floor" ; : >"$work/plain" ; : >"$work/guarded"
i=0
while [ $i -lt "$rounds" ]; do
	i=$((i + 1))
	t0=$(now); git log -p main..new >/dev/null; t1=$(now)
	echo "$t1 - $t0" | bc >>"$work/floor"
	t0=$(now); git push -q "$work/plain.git" new; t1=$(now)
	echo "$t1 - $t0" | bc >>"$work/plain"
	t0=$(now); git push -q "$work/guarded.git" new; t1=$(now)
	echo "$t1 - $t0" | bc >>"$work/guarded"
	git push -q "$work/plain.git" :new
	git push -q "$work/guarded.git" :new
done
floor=$(median <"$work/floor"); plain=$(median <"$work/plain"); guarded=$(median <"$work/guarded")
echo "new branch of $n commits, median of $rounds rounds (seconds)"
echo "git log -p main..new (floor):      $floor"
echo "git push, no hook (transfer):      $plain"
echo "git push, leakhook pre-receive:    $guarded"
echo "hook's share (guarded - transfer): $(echo "$guarded - $plain" | bc)  = $(echo "scale=2; ($guarded - $plain) / $floor" | bc)x the floor (target <= 2x)"
