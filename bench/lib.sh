# Shared helpers for bench/compare.sh and bench/precision.sh (bash, sourced).
#
# They build leakhook from this checkout and install the peer, gitleaks
# v8.30.1, into the work directory at run time: the peer is never committed.

GITLEAKS_VERSION=${GITLEAKS_VERSION:-v8.30.1}
BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() { echo "bench: $*" >&2; exit 2; }

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null || die "$c is required (see bench/README.md)"
	done
}

# workdir sets W: $BENCH_DIR if given (kept, so the generated repository is
# reused by the next run), else a temporary directory removed on exit.
workdir() {
	if [ -n "${BENCH_DIR:-}" ]; then
		W=$BENCH_DIR
		mkdir -p "$W"
	else
		W=$(mktemp -d "${TMPDIR:-/tmp}/leakhook-bench.XXXXXX")
		trap 'rm -rf "$W"' EXIT
	fi
	W=$(cd "$W" && pwd)
}

# tools builds leakhook and installs gitleaks into $W/bin; sets LEAKHOOK and
# GITLEAKS. The Go build cache makes the second run instant.
tools() {
	mkdir -p "$W/bin"
	echo "building leakhook from $BENCH_SRC" >&2
	(cd "$BENCH_SRC" && go build -o "$W/bin/leakhook.new" ./cmd/leakhook) || die "go build failed"
	# Keep the old file when the build is the same: scan receipts (case d)
	# are tied to the binary's size and modification time.
	if cmp -s "$W/bin/leakhook.new" "$W/bin/leakhook" 2>/dev/null; then
		rm "$W/bin/leakhook.new"
	else
		mv "$W/bin/leakhook.new" "$W/bin/leakhook"
	fi
	if [ ! -x "$W/bin/gitleaks" ]; then
		echo "installing gitleaks $GITLEAKS_VERSION into $W/bin" >&2
		(cd "$W" && GOFLAGS= GOBIN="$W/bin" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION") ||
			die "go install gitleaks failed"
	fi
	LEAKHOOK=$W/bin/leakhook
	GITLEAKS=$W/bin/gitleaks
}

# isolate_git keeps the user's git configuration (hooks, pagers, signing,
# fsmonitor) out of every measured command.
isolate_git() {
	export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
	export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.invalid
	export GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.invalid
	unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
}

machine() {
	local cpu mem
	cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null)
	mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null)
	echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, ${mem:-unknown memory}; $(uname -sr)"
	echo "versions: $(go version | cut -d' ' -f3), $(git --version), leakhook $("$LEAKHOOK" version 2>&1 | head -1), gitleaks $GITLEAKS_VERSION (go install)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
}
