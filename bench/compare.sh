#!/usr/bin/env bash
# compare.sh measures leakhook side by side with gitleaks (installed at run
# time, never committed) and with the floor each case cannot beat: git (or
# cat) reading the same bytes. Tools alternate run by run (order reversed
# every other round) so drifting load hits all of them alike; the table shows
# medians and peak RSS (GNU time %M: the largest process of the tree, so git
# children count).
#
# Usage: bench/compare.sh [a] [b] [c] [d] [e] [f] [g] [h] [i]    (default: all)
#   a  pre-commit: 5 files / 600 lines staged in Go's source tree with a long
#      generated history (COMMITS commits, ~350k objects, one pack)
#   b  scanning Go's source tree: leakhook scan vs gitleaks dir (MB/s)
#   c  history: the last 1,000 commits of that repository
#   d  pre-push of RECEIPTS commits made with `git commit` through the
#      installed hooks (so they carry scan receipts), in a copy of Go's
#      source tree; also without the receipts, and gitleaks on the range
#   e  pre-push of 200 new branches of 5 commits (no receipts)
#   f  pre-commit, 1 file staged in a 100,000-file repository (fast-import)
#   g  pre-commit, 1 file staged in a 1,000-file repository
#   h  history of a merge-heavy repository: 300 topic branches of 3 commits,
#      each merged into main with a merge commit, 30 of them resolving by hand
#   i  history of git/git's last ~5,000 commits (HEAD~1250..HEAD: 4,945
#      commits, 1,300 merges at 1a3e64c6c4); needs GITGIT, a clone of
#      git/git (a bare one will do); skipped without it
# Environment: RUNS_A (15), RUNS_B (3), RUNS_C (5), RUNS_D (5), COMMITS (20000),
#   RECEIPTS (1000),
#   BENCH_DIR (keep the work directory and reuse its repository),
#   GITLEAKS_VERSION (v8.30.1), CANDIDATE (another leakhook binary, e.g. a
#   branch under test, measured alongside as "candidate").
# Needs: go, git, GNU time (/usr/bin/time), awk. Run it on a quiet machine.
set -euo pipefail
export LC_ALL=C
. "$(dirname "$0")/lib.sh"

RUNS_A=${RUNS_A:-15} RUNS_B=${RUNS_B:-3} RUNS_C=${RUNS_C:-5} RUNS_D=${RUNS_D:-5} RUNS_E=${RUNS_E:-9} RUNS_F=${RUNS_F:-9} RUNS_G=${RUNS_G:-21} RUNS_H=${RUNS_H:-5} RUNS_I=${RUNS_I:-3}
COMMITS=${COMMITS:-20000} RECEIPTS=${RECEIPTS:-1000}
[ -x /usr/bin/time ] || die "GNU time is required at /usr/bin/time (apt-get install -y time)"
need go git awk
cases=${*:-a b c d e f g h i}
isolate_git
workdir
tools
GOSRC=$(go env GOROOT)/src
if [ -n "${CANDIDATE:-}" ]; then
	CANDIDATE=$(cd "$(dirname "$CANDIDATE")" && pwd)/$(basename "$CANDIDATE")
	[ -x "$CANDIDATE" ] || die "CANDIDATE $CANDIDATE is not an executable"
fi
mkdir -p "$W/results"

# run1 CASE NAME CMD...: one timed run in the current directory. Exit 1 is
# "secrets found" for both tools; anything else is a failed measurement.
run1() {
	local case=$1 name=$2 t0 t1 rc
	shift 2
	t0=$EPOCHREALTIME
	set +e
	/usr/bin/time -f '%M %U %S' -o "$W/rss" "$@" >/dev/null 2>"$W/stderr"
	rc=$?
	set -e
	t1=$EPOCHREALTIME
	if [ "$rc" -gt 1 ]; then
		cat "$W/stderr" >&2
		die "$name exited $rc: $*"
	fi
	echo "$name $t0 $t1 $(tail -n 1 "$W/rss" | awk '{printf "%s %.0f", $1, ($2 + $3) * 1000}')" >>"$W/results/$case"
}

# bench CASE RUNS: alternate the commands named in $names (each defined by a
# cmd_<name> function), after one unrecorded warm-up round.
bench() {
	local case=$1 runs=$2 i n order
	for n in $names; do "cmd_$n" warmup "$n"; done
	: >"$W/results/$case"
	for i in $(seq 1 "$runs"); do
		order=$names
		[ $((i % 2)) -eq 0 ] && order=$(echo "$names" | tr ' ' '\n' | tac | tr '\n' ' ')
		for n in $order; do "cmd_$n" "$case" "$n"; done
	done
}

# table CASE FLOOR [BYTES]: medians per tool, ratios to the floor and to
# gitleaks, the median CPU time (user + system, the tool's children
# included: on a shared machine the steadier measure) and its ratio to the
# floor's, throughput when BYTES is given.
table() {
	awk -v floor="$2" -v bytes="${3:-0}" -v cs="$1" '
	{ ms = ($3 - $2) * 1000; t[$1] = t[$1] " " ms; r[$1] = r[$1] " " $4; c[$1] = c[$1] " " $5; if (!($1 in seen)) { seen[$1] = 1; ord[++k] = $1 } }
	function median(s,   a, n, i, j, x) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	function minmax(s, want,   a, n, i, m) {
		n = split(s, a, " "); m = a[1] + 0
		for (i = 2; i <= n; i++) if ((want == "min" && a[i] + 0 < m) || (want == "max" && a[i] + 0 > m)) m = a[i] + 0
		return m
	}
	END {
		for (i = 1; i <= k; i++) { med[ord[i]] = median(t[ord[i]]); cpu[ord[i]] = median(c[ord[i]]) }
		printf "| case | command | median | min–max | × floor | × gitleaks | CPU | CPU × floor | peak RSS |%s\n", bytes ? " MB/s |" : ""
		printf "|---|---|---:|---:|---:|---:|---:|---:|---:|%s\n", bytes ? "---:|" : ""
		for (i = 1; i <= k; i++) {
			n = ord[i]; m = med[n]
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.0f MiB |", cs, n, fmt(m),
				fmt(minmax(t[n], "min")) "–" fmt(minmax(t[n], "max")),
				(floor in med) ? sprintf("%.2f×", m / med[floor]) : "",
				("gitleaks" in med) ? sprintf("%.2f×", m / med["gitleaks"]) : "",
				fmt(cpu[n]), (floor in cpu && cpu[floor] > 0) ? sprintf("%.2f×", cpu[n] / cpu[floor]) : "",
				median(r[n]) / 1024
			if (bytes) printf " %.0f |", bytes / 1e6 / (m / 1000)
			printf "\n"
		}
	}
	function fmt(ms) { return ms >= 1000 ? sprintf("%.2f s", ms / 1000) : sprintf("%.1f ms", ms) }
	' "$W/results/$1"
}

# --- the long-history repository -------------------------------------------
build_repo() {
	R=$W/repo
	if [ -f "$R/.git/bench-ready-$COMMITS" ]; then
		echo "reusing $R" >&2
	else
		rm -rf "$R"
		echo "building $R: Go's source tree + $COMMITS generated commits" >&2
		cp -R "$GOSRC" "$R"
		(
			cd "$R"
			git init -q -b main
			git add -A
			git commit -q -m "Go source tree"
			(cd "$BENCH_SRC" && go run ./bench/genhistory -commits "$COMMITS" -files 5 -from "$(git -C "$R" rev-parse HEAD)") |
				git fast-import --quiet
			git reset -q --hard
			git repack -adq
			git prune
			touch ".git/bench-ready-$COMMITS"
		)
	fi
	(cd "$R" && git count-objects -v | awk '/in-pack|size-pack/ {printf "%s ", $0} END {print ""}') >&2
}

# --- commits made through the hooks, for case d ------------------------------
# build_receipts_repo makes $RECEIPTS commits, each changing three files, with
# `git commit` running leakhook's installed pre-commit hook (which writes the
# scan receipts pre-push then finds); sets D, BASE and TIP.
build_receipts_repo() {
	D=$W/receipts
	# Receipts are valid for the binary that wrote them, down to its file's
	# modification time (a rebuilt leakhook rescans everything, even when
	# the build is the same), so the repository is made again for a new one.
	local ready
	ready=bench-ready-$RECEIPTS-$(cksum <"$LEAKHOOK" | cut -d' ' -f1)-$(date -r "$LEAKHOOK" +%s%N)
	if [ ! -f "$D/.git/$ready" ]; then
		rm -rf "$D"
		echo "building $D: Go's source tree + $RECEIPTS commits through the hooks" >&2
		cp -R "$GOSRC" "$D"
		(
			cd "$D"
			git init -q -b main
			# No automatic gc in the middle (it runs in the background and
			# leaves the store half packed or not, run to run); one at the end.
			git config gc.auto 0
			git add -A
			git commit -q -m "Go source tree"
			PATH=$(dirname "$LEAKHOOK"):$PATH "$LEAKHOOK" install >/dev/null
			mkdir -p gen
			local i f
			for i in $(seq 1 "$RECEIPTS"); do
				for f in 0 1 2; do
					printf 'var v%d_%d = "generated line %d of file %d"\n' "$i" "$f" "$i" "$f" >>"gen/file$(((i + f) % 7)).go"
				done
				git add gen
				git commit -q -m "generated commit $i"
			done
			git reset -q --hard
			git gc -q
			touch ".git/$ready"
		)
	fi
	BASE=$(git -C "$D" rev-list --max-parents=0 HEAD)
	TIP=$(git -C "$D" rev-parse HEAD)
	echo "receipts: $(wc -l <"$D/.git/leakhook/receipts") in $D/.git/leakhook/receipts" >&2
}

# build_refs_repo makes $W/refs: a small base on main (what origin has, as
# refs/remotes/origin/main) and 200 new branches of 5 commits each on it, for
# a push of all of them (issue 20: planning was one git log per ref).
build_refs_repo() {
	E=$W/refs
	if [ ! -f "$E/.git/bench-ready" ]; then
		rm -rf "$E"
		git init -q -b main "$E"
		(
			cd "$E"
			git config gc.auto 0
			cp "$GOSRC/bytes/bytes.go" "$GOSRC/strings/strings.go" .
			git add -A
			git commit -q -m base
			git update-ref refs/remotes/origin/main main
			local b c mark=1
			for b in $(seq -w 0 199); do
				for c in 1 2 3 4 5; do
					printf 'commit refs/heads/b%s\nmark :%d\ncommitter B <b@example.com> %d +0000\ndata 6\nb%s.%d\n' "$b" "$mark" $((1700000000 + mark)) "$b" "$c"
					[ "$c" -eq 1 ] && printf 'from refs/heads/main^0\n'
					printf 'M 644 inline f%s.go\ndata <<EOF\nvar v%s_%d = "line %d of branch %s"\nEOF\n\n' "$b" "$b" "$c" "$c" "$b"
					mark=$((mark + 1))
				done
			done | git fast-import --quiet
			git gc -q
			touch .git/bench-ready
		)
	fi
	git -C "$E" for-each-ref --format='%(refname) %(objectname) %(refname) 0000000000000000000000000000000000000000' 'refs/heads/b*' >"$W/refs-push"
}

# build_files_repo N makes $W/files-N: one commit of N small files (in
# directories of 100, 10 per parent) written with git fast-import, an index
# read from it (valid cache-tree), and one new file staged; sets F.
build_files_repo() {
	F=$W/files-$1
	if [ ! -f "$F/.git/bench-ready" ]; then
		rm -rf "$F"
		git init -q -b main "$F"
		(
			cd "$F"
			git config gc.auto 0
			awk -v n="$1" 'BEGIN {
				for (i = 0; i < n; i++) { d = sprintf("line %d of a file\nvalue = %d\n", i, i * 7); printf "blob\nmark :%d\ndata %d\n%s\n", i + 1, length(d), d }
				printf "commit refs/heads/main\ncommitter F <f@example.com> 1700000000 +0000\ndata 5\nbase\n"
				for (i = 0; i < n; i++) printf "M 100644 :%d d%03d/e%02d/f%d.txt\n", i + 1, int(i / 100) % 1000, int(i / 100000), i
				printf "\n"
			}' | git fast-import --quiet
			git read-tree HEAD
			git gc -q
			b=$(printf 'a new file\nvalue = 1\n' | git hash-object -w --stdin)
			git update-index --add --cacheinfo "100644,$b,d000/e00/new.txt"
			touch .git/bench-ready
		)
	fi
}

# build_merges_repo makes $W/merges: 300 topic branches of 3 commits, each
# merged into main by a merge commit after main moved on; every tenth merge
# also changes a line of its own (what a conflict's resolution adds).
build_merges_repo() {
	M=$W/merges
	if [ ! -f "$M/.git/bench-ready" ]; then
		rm -rf "$M"
		git init -q -b main "$M"
		(
			cd "$M"
			git config gc.auto 0
			cp "$GOSRC/bytes/bytes.go" "$GOSRC/strings/strings.go" .
			git add -A
			git commit -q -m base
			awk 'BEGIN {
				mark = 1; t = 1700000000
				for (b = 0; b < 300; b++) {
					for (c = 1; c <= 3; c++) {
						printf "commit refs/heads/topic%d\nmark :%d\ncommitter M <m@example.com> %d +0000\ndata 3\nt%d\n", b, mark, t++, c
						if (c == 1) printf "from refs/heads/main^0\n"
						printf "M 644 inline t%d.go\ndata <<EOF\n", b
						for (l = 0; l < 40 * c; l++) printf "var t%d_%d = \"line %d of topic %d\"\n", b, l, l, b
						printf "EOF\n\n"
						topic = mark++
					}
					printf "commit refs/heads/main\nmark :%d\ncommitter M <m@example.com> %d +0000\ndata 5\nmain\n", mark, t++
					printf "M 644 inline m%d.go\ndata <<EOF\nvar m%d = %d\nEOF\n\n", b, b, b
					mark++
					printf "commit refs/heads/main\nmark :%d\ncommitter M <m@example.com> %d +0000\ndata 6\nmerge\n", mark, t++
					printf "merge :%d\n", topic
					printf "M 644 inline t%d.go\ndata <<EOF\n", b
					for (l = 0; l < 120; l++) printf "var t%d_%d = \"line %d of topic %d\"\n", b, l, l, b
					if (b % 10 == 0) printf "var resolved%d = \"chosen while merging\"\n", b
					printf "EOF\n"
					printf "M 644 inline m%d.go\ndata <<EOF\nvar m%d = %d\nEOF\n\n", b, b, b
					mark++
				}
			}' | git fast-import --quiet
			git gc -q
			touch .git/bench-ready
		)
	fi
}

# stage puts the same 5 files / 600 added lines in the index every run.
stage() {
	cd "$R"
	git reset -q --hard
	local f
	for f in fmt/print.go strings/strings.go net/http/server.go os/file.go sort/sort.go; do
		sed -n '1,120p' bytes/bytes.go >>"$f"
	done
	git add fmt/print.go strings/strings.go net/http/server.go os/file.go sort/sort.go
	git diff --cached --numstat | awk '{a += $1; n++} END {print "staged: " n " files, " a " lines added"}' >&2
}

echo "work directory: $W" >&2
machine
for c in $cases; do
	case $c in
	a)
		build_repo
		stage
		LEAKHOOK_DEBUG=1 "$LEAKHOOK" pre-commit 2>&1 >/dev/null | grep -i 'staged' | sed 's/^/preflight: /' || true
		cmd_floor() { run1 "$@" git diff --cached -U0; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" pre-commit; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" pre-commit; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --pre-commit --staged --no-banner -l error .; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		bench a "$RUNS_A"
		echo
		echo "(a) pre-commit, 5 files / 600 lines staged, $COMMITS-commit history; floor = git diff --cached -U0"
		table a floor
		git reset -q --hard
		;;
	b)
		cd "$W"
		bytes=$(find "$GOSRC" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
		files=$(find "$GOSRC" -type f | wc -l)
		cmd_floor() { run1 "$@" sh -c 'find "$1" -type f -print0 | xargs -0 cat' sh "$GOSRC"; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" scan "$GOSRC"; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" scan "$GOSRC"; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" dir --no-banner -l error "$GOSRC"; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		bench b "$RUNS_B"
		echo
		echo "(b) scan of Go's source tree ($GOSRC: $files files, $((bytes / 1000000)) MB); floor = cat of every file"
		table b floor "$bytes"
		;;
	c)
		build_repo
		cd "$R"
		range=HEAD~1000..HEAD
		cmd_floor() { run1 "$@" git log -p "$range"; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" scan --git "$range"; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" scan --git "$range"; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --no-banner -l error --log-opts="$range" .; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		bench c "$RUNS_C"
		echo
		echo "(c) history scan of $range (1,000 commits, $(git log -p "$range" | wc -c | awk '{printf "%.1f MB", $1/1e6}') of git log -p); floor = git log -p"
		table c floor
		;;
	d)
		build_receipts_repo
		cd "$D"
		push="refs/heads/main $TIP refs/heads/main $BASE"
		cmd_floor() { run1 "$@" git log -p "$BASE..$TIP"; }
		cmd_leakhook() { echo "$push" | run1 "$@" "$LEAKHOOK" pre-push origin /dev/null; }
		cmd_candidate() { echo "$push" | run1 "$@" "$CANDIDATE" pre-push origin /dev/null; }
		cmd_noreceipts() { echo "$push" | run1 "$@" "$LEAKHOOK" pre-push --no-receipts origin /dev/null; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --no-banner -l error --log-opts="$BASE..$TIP" .; }
		names="floor leakhook ${CANDIDATE:+candidate }noreceipts gitleaks"
		bench d "$RUNS_D"
		echo
		echo "(d) pre-push of $RECEIPTS commits made through the hook (receipts), and without receipts; floor = git log -p"
		table d floor
		;;
	e)
		build_refs_repo
		cd "$E"
		cmd_floor() { run1 "$@" git log -p --branches --not main; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" pre-push origin /dev/null <"$W/refs-push"; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" pre-push origin /dev/null <"$W/refs-push"; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --no-banner -l error --log-opts="--branches --not main" .; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		bench e "$RUNS_E"
		echo
		echo "(e) pre-push of 200 new branches ($(wc -l <"$W/refs-push") refs, $(git rev-list --count --branches --not main) commits); floor = git log -p of them"
		table e floor
		;;
	f | g)
		n=100000
		[ "$c" = g ] && n=1000
		build_files_repo "$n"
		cd "$F"
		LEAKHOOK_DEBUG=1 "$LEAKHOOK" pre-commit 2>&1 >/dev/null | grep -i 'staged' | sed 's/^/preflight: /' || true
		cmd_floor() { run1 "$@" git diff --cached; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" pre-commit; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" pre-commit; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --pre-commit --staged --no-banner -l error .; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		runs=$RUNS_F
		[ "$c" = g ] && runs=$RUNS_G
		bench "$c" "$runs"
		echo
		echo "($c) pre-commit, 1 file staged in a $n-file repository; floor = git diff --cached"
		table "$c" floor
		;;
	h)
		build_merges_repo
		cd "$M"
		cmd_floor() { run1 "$@" git log -p main; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" scan --git main; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" scan --git main; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --no-banner -l error --log-opts=main .; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		bench h "$RUNS_H"
		echo
		echo "(h) history of $(git rev-list --count main) commits, $(git rev-list --count --merges main) of them merges; floor = git log -p"
		table h floor
		;;
	i)
		if [ -z "${GITGIT:-}" ]; then
			echo "(i) skipped: set GITGIT to a clone of git/git" >&2
			continue
		fi
		cd "$GITGIT"
		range=HEAD~1250..HEAD
		cmd_floor() { run1 "$@" git log -p "$range"; }
		cmd_leakhook() { run1 "$@" "$LEAKHOOK" scan --git "$range"; }
		cmd_candidate() { run1 "$@" "$CANDIDATE" scan --git "$range"; }
		cmd_gitleaks() { run1 "$@" "$GITLEAKS" git --no-banner -l error --log-opts="$range" .; }
		names="floor leakhook ${CANDIDATE:+candidate }gitleaks"
		bench i "$RUNS_I"
		echo
		echo "(i) git/git history $range ($(git rev-list --count "$range") commits, $(git rev-list --count --merges "$range") merges, at $(git rev-parse --short HEAD)); floor = git log -p"
		table i floor
		;;
	*) die "unknown case $c (want a to i)" ;;
	esac
done
