package install

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// previousFile, beside the global hooks dir, remembers a core.hooksPath that
// install --global --force replaced, so uninstall --global can put it back.
const previousFile = "previous-core.hooksPath"

// GlobalDir is leakhook's own hooks directory: $XDG_CONFIG_HOME/leakhook/hooks,
// or ~/.config/leakhook/hooks (the same on every platform, so the path shown
// in documentation is the path used).
func GlobalDir() (string, error) {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find the home directory for the global hooks: %v", err)
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "leakhook", "hooks"), nil
}

// ErrHooksPathTaken is returned by Global when core.hooksPath is already set
// globally to another directory and Force is false.
var ErrHooksPathTaken = errors.New("core.hooksPath is already set globally")

// Global installs the hooks into GlobalDir and points git config --global
// core.hooksPath at it, so every repository on the machine runs them (and
// they run each repository's own hooks after leakhook). It returns the dir.
func Global(o Options) (string, error) {
	if err := o.prepare(); err != nil {
		return "", err
	}
	dir, err := GlobalDir()
	if err != nil {
		return "", err
	}
	cur, set, err := globalConfig("core.hooksPath")
	if err != nil {
		return "", err
	}
	foreign := set && !samePath(cur, dir)
	if foreign && !o.Force {
		return "", fmt.Errorf(`%w to %s
leakhook did not change it: another tool (husky, pre-commit's init-templatedir, a team setup) may rely on it.
Either add leakhook to the hooks in that directory, or install per repository with 'leakhook install'
(run in each repository), or replace it with 'leakhook install --global --force'
(uninstall --global puts the old value back)`, ErrHooksPathTaken, cur)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, name := range globalHookNames(o.Hooks) {
		body := forwarder(name)
		if slices.Contains(o.Hooks, name) {
			body = script(name, o.Binary, globalMode)
		}
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && string(old) == body {
			o.logf("%s: already installed", path)
			continue
		}
		if err := writeHook(path, body); err != nil {
			return "", err
		}
		o.logf("%s: installed", path)
	}
	// Repositories that set their own core.hooksPath are out of the global
	// directory's reach; husky's (the common case) sources the user's
	// init.sh before every hook.
	if init, err := huskyInit(); err == nil {
		changed, err := setBlock(init, huskyBlock(o.Binary, o.Hooks))
		if err != nil {
			return "", err
		}
		if changed {
			o.logf("%s: repositories using husky (their own core.hooksPath) run leakhook too", init)
		}
	}
	if foreign {
		if err := os.WriteFile(filepath.Join(filepath.Dir(dir), previousFile), []byte(cur+"\n"), 0o644); err != nil {
			return "", err
		}
		o.logf("core.hooksPath was %s; 'leakhook uninstall --global' restores it", cur)
	}
	if !set || foreign {
		// Forward slashes: git and Git for Windows' sh both accept them.
		if _, err := gitCmd("", "config", "--global", "core.hooksPath", filepath.ToSlash(dir)); err != nil {
			return "", err
		}
		o.logf("git config --global core.hooksPath %s", filepath.ToSlash(dir))
	} else {
		o.logf("core.hooksPath already points at %s", dir)
	}
	return dir, nil
}

// UninstallGlobal unsets core.hooksPath if it still points at GlobalDir
// (restoring the value install --force replaced, if any) and removes
// leakhook's hook files. A core.hooksPath that now points elsewhere is left
// alone: someone changed it on purpose.
func UninstallGlobal(log io.Writer) (string, error) {
	o := &Options{Log: log}
	dir, err := GlobalDir()
	if err != nil {
		return "", err
	}
	cur, set, err := globalConfig("core.hooksPath")
	if err != nil {
		return "", err
	}
	prevPath := filepath.Join(filepath.Dir(dir), previousFile)
	switch {
	case set && samePath(cur, dir):
		prev, perr := os.ReadFile(prevPath)
		if p := strings.TrimSpace(string(prev)); perr == nil && p != "" {
			if _, err := gitCmd("", "config", "--global", "core.hooksPath", p); err != nil {
				return "", err
			}
			o.logf("git config --global core.hooksPath %s (restored)", p)
		} else {
			if _, err := gitCmd("", "config", "--global", "--unset", "core.hooksPath"); err != nil {
				return "", err
			}
			o.logf("git config --global --unset core.hooksPath")
		}
	case set:
		o.logf("core.hooksPath is %s, not leakhook's; left alone", cur)
	default:
		o.logf("core.hooksPath is not set globally")
	}
	if err := os.Remove(prevPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	for _, name := range globalHookNames(nil) {
		path := filepath.Join(dir, name)
		b, err := os.ReadFile(path)
		if err != nil || !isOurs(b) {
			continue
		}
		if err := os.Remove(path); err != nil {
			return "", err
		}
		o.logf("%s: removed", path)
	}
	if init, err := huskyInit(); err == nil {
		if changed, err := setBlock(init, ""); err != nil {
			return "", err
		} else if changed {
			o.logf("%s: leakhook's block removed", init)
		}
	}
	// Only if empty: a file someone put there is theirs.
	if os.Remove(dir) == nil {
		os.Remove(filepath.Dir(dir))
	}
	return dir, nil
}
