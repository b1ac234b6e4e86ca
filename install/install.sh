#!/bin/sh
# Workstation install of leakhook: builds it from source with the Go
# toolchain, puts it in ~/.local/bin (or $PREFIX/bin), checks that it runs,
# then turns on the global git hooks (leakhook install --global), which guard
# every repository on this machine and still run each repository's own hooks.
#
#   sh install/install.sh                 # from a checkout: builds that checkout
#   sh install.sh --version v1.2.0        # elsewhere: go install ...@v1.2.0 (default: latest)
#   sh install.sh --no-global             # only the binary; then 'leakhook install' per repository
#   sh install.sh --uninstall             # remove the global hooks and the binary
#
# Running it again is harmless: it rebuilds and leaves one copy of each hook.
# POSIX sh only, so it runs in dash, macOS's sh and Git for Windows' sh.
set -u

module=github.com/leakhook/leakhook
min_go_minor=26 # Go 1.26
min_git_minor=20 # git 2.20

die() {
	printf 'install.sh: %s\n' "$*" >&2
	exit 1
}

usage() {
	sed -n '2,13p' "$0" 2>/dev/null | sed 's/^# \{0,1\}//'
	exit "$1"
}

global=1
uninstall=0
version=${LEAKHOOK_VERSION:-}
while [ $# -gt 0 ]; do
	case $1 in
	--no-global) global=0 ;;
	--uninstall) uninstall=1 ;;
	--version)
		[ $# -ge 2 ] || die "--version needs a value, e.g. --version latest"
		version=$2
		shift
		;;
	--version=*) version=${1#--version=} ;;
	-h | --help) usage 0 ;;
	*) die "unknown option $1 (try --help)" ;;
	esac
	shift
done

bindir=${PREFIX:-${HOME:?HOME is not set}/.local}/bin
case $bindir in
/* | [A-Za-z]:[/\\]*) ;;
*) bindir=$(pwd)/$bindir ;; # go install needs an absolute GOBIN
esac

# at_least MAJOR.MINOR[...] WANT_MAJOR WANT_MINOR: is the version new enough?
at_least() {
	major=${1%%.*}
	rest=${1#*.}
	minor=${rest%%[!0-9]*}
	case $major$minor in '' | *[!0-9]*) return 1 ;; esac
	[ "$major" -gt "$2" ] || { [ "$major" -eq "$2" ] && [ "$minor" -ge "$3" ]; }
}

need_git() {
	command -v git >/dev/null 2>&1 ||
		die "git is not installed (or not on PATH). leakhook is a git hook: install git 2.$min_git_minor or newer (Debian/Ubuntu: apt-get install git; macOS: xcode-select --install; Windows: Git for Windows)."
	v=$(git --version 2>/dev/null) || die "'git --version' failed"
	v=${v#git version }
	at_least "$v" 2 "$min_git_minor" ||
		die "git $v is too old: leakhook needs git 2.$min_git_minor or newer. Upgrade git and run this again."
}

need_go() {
	command -v go >/dev/null 2>&1 ||
		die "go is not installed (or not on PATH). This script builds leakhook from source: install Go 1.$min_go_minor or newer from https://go.dev/dl/ and run it again."
	v=$(go env GOVERSION 2>/dev/null) ||
		die "'go env GOVERSION' failed: this Go is older than 1.16; leakhook needs Go 1.$min_go_minor or newer (https://go.dev/dl/)."
	case $v in
	devel*) return 0 ;; # a development toolchain: trust it
	esac
	v=${v#go}
	at_least "$v" 1 "$min_go_minor" ||
		die "Go $v is too old: leakhook needs Go 1.$min_go_minor or newer (https://go.dev/dl/). Upgrade Go and run this again."
}

need_git
exe="" # .exe on Windows
if command -v go >/dev/null 2>&1 && [ "$(go env GOEXE 2>/dev/null)" = .exe ]; then
	exe=.exe
fi
bin=$bindir/leakhook$exe

if [ "$uninstall" -eq 1 ]; then
	if [ -x "$bin" ]; then
		"$bin" uninstall --global || die "'$bin uninstall --global' failed; the binary was left in place"
	elif command -v leakhook >/dev/null 2>&1; then
		leakhook uninstall --global || die "'leakhook uninstall --global' failed"
	fi
	rm -f "$bin" || die "cannot remove $bin"
	printf 'leakhook is uninstalled (removed %s and its global hooks).\n' "$bin"
	exit 0
fi

need_go
mkdir -p "$bindir" || die "cannot create $bindir"

# A checkout of leakhook (this script's ../go.mod, or the current directory
# when the script is piped to sh) is built as it is, unless --version asks
# for a published version.
root=""
if [ -z "$version" ]; then
	for d in "$(dirname -- "$0")/.." .; do
		if [ -f "$d/go.mod" ] && grep -q "^module $module\$" "$d/go.mod" 2>/dev/null; then
			root=$(cd "$d" && pwd) || die "cannot enter $d"
			break
		fi
	done
fi
if [ -n "$root" ]; then
	printf 'Building leakhook from the checkout in %s ...\n' "$root"
	(cd "$root" && GOBIN=$bindir go install ./cmd/leakhook) ||
		die "go install ./cmd/leakhook failed in $root (see above)"
else
	: "${version:=latest}"
	printf 'Building leakhook %s with go install ...\n' "$version"
	GOBIN=$bindir go install "$module/cmd/leakhook@$version" ||
		die "go install $module/cmd/leakhook@$version failed (see above)"
fi

out=$("$bin" version 2>&1) || die "the installed $bin does not run: $out"
printf 'Installed %s (%s)\n' "$bin" "$out"

if [ "$global" -eq 1 ]; then
	"$bin" install --global ||
		die "'leakhook install --global' failed (see above); the binary is installed, hooks are not"
else
	printf "Global hooks not enabled (--no-global): run 'leakhook install' in each repository to guard.\n"
fi

case ":${PATH:-}:" in
*":$bindir:"*) ;;
*) printf '\nNote: %s is not on your PATH. Add this line to your shell profile to run leakhook by name:\n  export PATH="%s:$PATH"\n(The hooks do not need it: they call %s directly.)\n' "$bindir" "$bindir" "$bin" ;;
esac
