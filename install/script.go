package install

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Marker is the line that identifies a hook written by leakhook. Install
// overwrites such a hook in place (idempotent re-install) and uninstall
// removes only files that carry it; anything else is somebody else's hook.
const Marker = "# leakhook-managed-hook: written by 'leakhook install'; 'leakhook uninstall' removes it"

// ChainedSuffix is appended to an existing hook's name when install keeps it
// and chains it; uninstall renames it back.
const ChainedSuffix = ".leakhook-chained"

// ReplacedSuffix is appended to an existing hook's name when install --force
// replaces it: it is no longer run, but uninstall still restores it.
const ReplacedSuffix = ".leakhook-replaced"

// Hook names leakhook can install, and the subcommand each one runs.
// pre-merge-commit is the hook git runs instead of pre-commit when a merge
// commits without conflicts: it scans the staged merge like any commit.
var hookCommands = map[string]string{
	"pre-commit":       "pre-commit",
	"pre-merge-commit": "pre-commit",
	"pre-push":         `pre-push "$@"`,
	"commit-msg":       `commit-msg "$1"`,
	"pre-receive":      "pre-receive", // a server's (install --server), never installed by default
}

// HookNames lists the hooks installed by default, in order. commit-msg
// scans the message (pre-commit never sees it).
var HookNames = []string{"pre-commit", "pre-merge-commit", "pre-push", "commit-msg"}

// forwardedHooks are the other hook types the global install puts in its
// directory, each only running the repository's own hook of that name: with
// core.hooksPath set globally, git would otherwise run none of them (a
// Gerrit commit-msg, git-lfs's post-checkout, a team's prepare-commit-msg).
// Left out are the hooks whose mere presence changes what git does
// (push-to-checkout, proc-receive, fsmonitor-watchman, reference-transaction)
// and post-index-change, which git would start after every index write on
// the machine (each git status) to run, almost always, nothing.
var forwardedHooks = []string{
	"applypatch-msg", "pre-applypatch", "post-applypatch",
	"prepare-commit-msg", "post-commit",
	"pre-rebase", "post-checkout", "post-merge", "post-rewrite",
	"pre-auto-gc", "sendemail-validate",
	"p4-changelist", "p4-prepare-changelist", "p4-post-changelist", "p4-pre-submit",
	"pre-receive", "update", "post-receive", "post-update",
}

// globalHookNames returns the hooks the global directory holds: leakhook's
// own (those in own) and a forwarder for every other hook type.
func globalHookNames(own []string) []string {
	names := append([]string(nil), own...)
	for _, n := range append(append([]string(nil), HookNames...), forwardedHooks...) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// forwarder returns the global directory's hook for a type leakhook does not
// check: it runs the repository's own hook of that name, with the same
// arguments and standard input, and succeeds when there is none.
func forwarder(name string) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("#!/bin/sh")
	w("%s", Marker)
	w("# Global hook (core.hooksPath): leakhook checks nothing here; it runs the")
	w("# repository's own hooks/%s, which git would run if core.hooksPath did not", name)
	w("# point here. --git-common-dir: linked worktrees share them.")
	w(`if common_dir=$(git rev-parse --git-common-dir 2>/dev/null); then`)
	w(`	own="$common_dir/hooks/%s"`, name)
	w(`	if [ -f "$own" ] && [ -x "$own" ]; then`)
	w(`		exec "$own" "$@"`)
	w(`	fi`)
	w(`fi`)
	w(`exit 0`)
	return b.String()
}

// mode tells where a hook script lives and so which hook it chains.
type mode int

const (
	repoMode   mode = iota // in the repository's hooks dir: chains NAME.leakhook-chained beside it
	globalMode             // in leakhook's global hooks dir: chains the repository's own hook
)

// shQuote quotes s for POSIX sh as one word.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// script returns the POSIX sh hook for name. bin is the absolute path of
// the leakhook binary, recorded so hooks work when PATH differs (GUI git
// clients, IDEs); PATH is the fallback, and a missing binary blocks with
// instructions rather than "command not found". The script avoids bash-isms
// and GNU-only tools so that dash, busybox, macOS sh and Git for Windows' sh
// all run it.
func script(name, bin string, m mode) string {
	return scriptRunning(name, bin, m, hookCommands[name])
}

// scriptRunning is script with the leakhook command line the hook runs
// (pre-receive may name the server's configuration).
func scriptRunning(name, bin string, m mode, command string) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("#!/bin/sh")
	w("%s", Marker)
	w("# Runs 'leakhook %s' on what git is about to %s.", strings.Fields(command)[0], map[string]string{"pre-commit": "commit", "pre-merge-commit": "commit (a merge)", "pre-push": "push", "commit-msg": "commit (its message)", "pre-receive": "accept into this repository (a push to the server)"}[name])
	if m == repoMode {
		w("# A hook that was here before leakhook is kept as %s%s and runs first.", name, ChainedSuffix)
	} else {
		w("# Global hook (core.hooksPath): the repository's own hooks/%s runs after leakhook.", name)
	}
	w("")
	w("leakhook_bin=%s", shQuote(filepath.ToSlash(bin)))
	w(`if [ ! -x "$leakhook_bin" ]; then`)
	w(`	leakhook_bin=$(command -v leakhook 2>/dev/null) || leakhook_bin=`)
	w(`fi`)
	w(`if [ -z "$leakhook_bin" ]; then`)
	w(`	cat >&2 <<'LEAKHOOK_EOF'`)
	w(`leakhook: the %s hook cannot run: the leakhook program is not at`, name)
	w(`  %s`, filepath.ToSlash(bin))
	w(`(where it was when the hook was installed) and is not on PATH.`)
	w(`The hook blocks rather than let a secret through unchecked.`)
	w(`To fix it, install leakhook again and re-run the install, e.g.:`)
	w(`  go install github.com/leakhook/leakhook/cmd/leakhook@latest`)
	if m == repoMode {
		if name == "pre-receive" {
			w(`  leakhook install --server   # in this repository`)
		} else {
			w(`  leakhook install        # in this repository`)
		}
		w(`To remove leakhook's hook instead, delete this file and rename`)
		w(`%s%s beside it (if present) back to %s.`, name, ChainedSuffix, name)
	} else {
		w(`  leakhook install --global`)
		w(`To stop using leakhook's global hooks instead: git config --global --unset core.hooksPath`)
	}
	switch name {
	case "pre-receive":
		w(`Pushes are rejected until the server's owner fixes this.`)
	case "pre-push":
		w(`To bypass the hook once, knowing nothing is checked: git push --no-verify`)
	default:
		w(`To bypass the hook once, knowing nothing is checked: git commit --no-verify`)
	}
	w(`LEAKHOOK_EOF`)
	w(`	printf 'This hook: %%s\n' "$0" >&2`)
	w(`	exit 2`)
	w(`fi`)
	w("")
	if m == repoMode {
		w(`chained="$(dirname -- "$0")/%s%s"`, name, ChainedSuffix)
		w(`if [ ! -x "$chained" ]; then`)
		w(`	exec "$leakhook_bin" %s`, command)
		w(`fi`)
		w(`# When the pre-commit framework was installed after leakhook, it runs this`)
		w(`# hook as its "legacy" hook, and the chained hook is the framework's own`)
		w(`# earlier script: running it again would fail ("migration mode").`)
		w(`if [ -n "${PRE_COMMIT_RUNNING_LEGACY:-}" ] && grep -F -q %s "$chained" 2>/dev/null; then`, shQuote(frameworkMarker))
		w(`	exec "$leakhook_bin" %s`, command)
		w(`fi`)
	} else {
		w(`# Hooks of the repository itself: git would run them if core.hooksPath`)
		w(`# did not point here. --git-common-dir: linked worktrees share them.`)
		w(`chained=`)
		w(`if common_dir=$(git rev-parse --git-common-dir 2>/dev/null); then`)
		w(`	chained="$common_dir/hooks/%s"`, name)
		w(`fi`)
		w(`if [ -z "$chained" ] || [ ! -x "$chained" ]; then`)
		w(`	exec "$leakhook_bin" %s`, command)
		w(`fi`)
		w(`# A repository hook written by 'leakhook install' runs leakhook itself`)
		w(`# (and its own chained hook): run only it, so nothing is scanned twice.`)
		w(`if grep -F -q -x %s "$chained" 2>/dev/null; then`, shQuote(Marker))
		w(`	exec "$chained" "$@"`)
		w(`fi`)
	}
	// Both leakhook and the chained hook must see all of pre-push's stdin
	// (one line per ref): keep it in a variable, which needs no temporary
	// file. Ref lines never contain NUL, and the trailing newline that $(...)
	// strips is put back.
	first, second := `"$chained" "$@"`, `"$leakhook_bin" `+command
	if m == globalMode {
		first, second = second, first
	}
	if name == "pre-push" || name == "pre-receive" {
		w(`refs=$(cat) || exit 2`)
		w(`feed() { if [ -n "$refs" ]; then printf '%%s\n' "$refs"; fi; }`)
		w(`feed | %s || exit $?`, first)
		w(`feed | %s`, second)
	} else {
		w(`%s || exit $?`, first)
		w(`%s`, second)
	}
	return b.String()
}
