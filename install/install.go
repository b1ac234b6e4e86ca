// Package install writes, chains and removes leakhook's git hooks, for one
// repository (its hooks directory as git resolves it) or globally (a
// leakhook-owned directory named by git config --global core.hooksPath).
//
// Existing hooks are never lost: a foreign hook is renamed aside and run by
// leakhook's hook (or, with Force, kept aside unrun), and uninstall renames it
// back with its exact bytes and mode. Configuration is written only through
// the git CLI so a user's ~/.gitconfig keeps its comments and sections.
package install

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Options control an install.
type Options struct {
	// Hooks to install; nil means HookNames.
	Hooks []string
	// Force replaces a foreign hook instead of chaining it (repo), or a
	// foreign global core.hooksPath (global).
	Force bool
	// Binary is the absolute path of leakhook recorded in the hooks; empty
	// means Executable().
	Binary string
	// Log receives one line per action; nil discards.
	Log io.Writer
	// Team wires leakhook into a hook manager's committed configuration
	// (.husky/<hook>, lefthook.yml) instead of the developer's own (husky's
	// init.sh, lefthook-local.yml).
	Team bool
}

func (o *Options) logf(format string, a ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", a...)
	}
}

func (o *Options) prepare() error {
	if o.Hooks == nil {
		o.Hooks = HookNames
	}
	for _, h := range o.Hooks {
		if _, ok := hookCommands[h]; !ok {
			return fmt.Errorf("unknown hook %q (leakhook installs %s)", h, strings.Join(HookNames, ", "))
		}
	}
	if o.Binary == "" {
		b, err := Executable()
		if err != nil {
			return err
		}
		o.Binary = b
	}
	return nil
}

// Executable returns the path to record for the running leakhook. When it
// was started through PATH or a symlink (Homebrew, ~/.local/bin), that path
// is kept rather than the resolved one, so upgrades that move the real file
// do not break hooks; it must still be the same file as os.Executable.
func Executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the leakhook binary's path: %v", err)
	}
	cand := os.Args[0]
	if !strings.ContainsAny(cand, `/\`) {
		cand, _ = exec.LookPath(cand)
	}
	if cand != "" {
		if abs, err := filepath.Abs(cand); err == nil {
			a, errA := os.Stat(abs)
			b, errB := os.Stat(exe)
			if errA == nil && errB == nil && os.SameFile(a, b) {
				return abs, nil
			}
		}
	}
	return exe, nil
}

// Repo installs the hooks into the hooks directory of the repository that
// contains dir and returns that directory.
func Repo(dir string, o Options) (string, error) {
	if err := o.prepare(); err != nil {
		return "", err
	}
	hd, err := hooksDir(dir)
	if err != nil {
		return "", err
	}
	if g, err := GlobalDir(); err == nil && samePath(hd, g) {
		return "", fmt.Errorf("this repository's hooks directory is leakhook's global one (%s): the global hooks already guard it, nothing to install", hd)
	}
	top, err := gitCmd(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		top = "" // bare repository: no hook manager
	}
	switch detectManager(top, hd) {
	case husky:
		o.logf("this repository's hooks are husky's (core.hooksPath %s): leakhook is wired through husky", hd)
		return hd, installHusky(top, &o)
	case lefthook:
		o.logf("this repository's hooks are lefthook's: leakhook is wired through lefthook's configuration")
		return hd, installLefthook(top, &o)
	}
	if o.Team {
		return "", fmt.Errorf("--team wires leakhook into husky's or lefthook's committed files, and this repository uses neither")
	}
	if err := os.MkdirAll(hd, 0o755); err != nil {
		return "", err
	}
	for _, name := range o.Hooks {
		if err := installOne(hd, name, script(name, o.Binary, repoMode), &o); err != nil {
			return "", err
		}
	}
	return hd, nil
}

// installOne writes the hook name into hd, chaining or (with Force) setting
// aside a foreign hook that is there.
func installOne(hd, name, body string, o *Options) error {
	path := filepath.Join(hd, name)
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// nothing there
	case err != nil:
		return err
	case isOurs(old):
		if string(old) == body {
			o.logf("%s: already installed", path)
			return nil
		}
		o.logf("%s: updated", path)
		return writeHook(path, body)
	default:
		suffix := ChainedSuffix
		if o.Force {
			suffix = ReplacedSuffix
		}
		aside := path + suffix
		for _, s := range []string{ChainedSuffix, ReplacedSuffix} {
			if _, err := os.Lstat(path + s); err == nil {
				return fmt.Errorf("%s is not leakhook's, and %s already exists from an earlier install: "+
					"move one of them away (or merge them) and run 'leakhook install' again", path, path+s)
			}
		}
		if err := os.Rename(path, aside); err != nil {
			return err
		}
		if o.Force {
			o.logf("%s: replaced (--force); the previous hook is kept, not run, as %s", path, aside)
		} else {
			o.logf("%s: the existing hook was kept as %s and runs first", path, aside)
		}
	}
	if err := writeHook(path, body); err != nil {
		return err
	}
	o.logf("%s: installed", path)
	return nil
}

// isOurs reports whether a hook file carries leakhook's marker line.
func isOurs(b []byte) bool {
	for _, line := range bytes.Split(b, []byte("\n")) {
		if string(bytes.TrimRight(line, "\r")) == Marker {
			return true
		}
	}
	return false
}

// writeHook replaces path atomically with an executable script, so a hook
// that git runs concurrently is never seen half-written.
func writeHook(path, body string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".leakhook-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(body); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// UninstallRepo removes leakhook's hooks from the repository containing dir
// and restores any hook that install had set aside.
func UninstallRepo(dir string, log io.Writer) (string, error) {
	o := &Options{Log: log}
	hd, err := hooksDir(dir)
	if err != nil {
		return "", err
	}
	if g, err := GlobalDir(); err == nil && samePath(hd, g) {
		return "", fmt.Errorf("this repository uses leakhook's global hooks (%s); remove them with 'leakhook uninstall --global'", hd)
	}
	if top, err := gitCmd(dir, "rev-parse", "--show-toplevel"); err == nil {
		switch detectManager(top, hd) {
		case husky:
			return hd, uninstallHusky(top, hd, o)
		case lefthook:
			return hd, uninstallLefthook(top, o)
		}
	}
	for _, name := range append(append([]string{}, HookNames...), "pre-receive") {
		if err := uninstallOne(hd, name, o); err != nil {
			return "", err
		}
	}
	return hd, nil
}

func uninstallOne(hd, name string, o *Options) error {
	path := filepath.Join(hd, name)
	cur, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case isOurs(cur):
		if err := os.Remove(path); err != nil {
			return err
		}
		o.logf("%s: removed", path)
	default:
		o.logf("%s: not leakhook's, left alone", path)
		return nil
	}
	for _, s := range []string{ChainedSuffix, ReplacedSuffix} {
		aside := path + s
		if _, err := os.Lstat(aside); err != nil {
			continue
		}
		if err := os.Rename(aside, path); err != nil {
			return err
		}
		o.logf("%s: restored from %s", path, aside)
		break
	}
	return nil
}

// samePath compares two directory paths after cleaning, resolving symlinks
// where possible (macOS's /var is /private/var).
func samePath(a, b string) bool {
	norm := func(p string) string {
		p = filepath.Clean(filepath.FromSlash(p))
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return p
	}
	a, b = norm(a), norm(b)
	if a == b {
		return true
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(ia, ib)
}
