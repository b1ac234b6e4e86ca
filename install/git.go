package install

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/internal/gitrun"
)

// gitCmd runs git (through gitrun: explicit arguments, never a shell) in
// dir and returns its trimmed standard output; a failure is a
// *gitrun.Error. Configuration is always read and written through the git
// CLI so that includes, conditional includes, GIT_CONFIG_GLOBAL and comments
// in the user's files are honoured and kept.
func gitCmd(dir string, args ...string) (string, error) {
	out, err := gitrun.Run(context.Background(), dir, nil, args...)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), "\r\n"), nil
}

// globalConfig reads a --global setting as a path (~ expanded). ok is false
// when the key is unset.
func globalConfig(key string) (value string, ok bool, err error) {
	v, err := gitCmd("", "config", "--global", "--type=path", "--get", key)
	if err != nil {
		if gitrun.ExitCode(err) == 1 {
			return "", false, nil
		}
		return "", false, err
	}
	return v, true, nil
}

// hooksDir returns the absolute hooks directory git uses for the repository
// containing dir: core.hooksPath when set, else the common git dir's hooks
// (so a linked worktree shares its main worktree's hooks, as git does).
func hooksDir(dir string) (string, error) {
	// Relative paths from git (a relative core.hooksPath, ".git/hooks") are
	// relative to the top of the work tree, where git runs hooks.
	top, err := gitCmd(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		if _, err2 := gitCmd(dir, "rev-parse", "--git-dir"); err2 != nil {
			return "", fmt.Errorf("%s is not in a git repository", dir)
		}
		top = dir // bare repository: paths are relative to it
	}
	p, err := gitCmd(top, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", err
	}
	p = filepath.FromSlash(p)
	if !filepath.IsAbs(p) {
		p = filepath.Join(top, p)
	}
	return filepath.Clean(p), nil
}
