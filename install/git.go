package install

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// gitCmd runs git with explicit arguments (never through a shell) in dir and
// returns its trimmed standard output. Configuration is always read and
// written through the git CLI so that includes, conditional includes,
// GIT_CONFIG_GLOBAL and comments in the user's files are honoured and kept.
func gitCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("git is not installed or not on PATH")
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", &gitError{args: args, msg: msg, err: err}
	}
	return strings.TrimRight(stdout.String(), "\r\n"), nil
}

// gitError keeps git's exit status so callers can tell "unset" (git config
// exits 1) from a real failure.
type gitError struct {
	args []string
	msg  string
	err  error
}

func (e *gitError) Error() string {
	return fmt.Sprintf("git %s: %s", strings.Join(e.args, " "), e.msg)
}

func (e *gitError) Unwrap() error { return e.err }

// exitCode returns git's exit status, or -1 when err is not a git exit.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// globalConfig reads a --global setting as a path (~ expanded). ok is false
// when the key is unset.
func globalConfig(key string) (value string, ok bool, err error) {
	v, err := gitCmd("", "config", "--global", "--type=path", "--get", key)
	if err != nil {
		if exitCode(err) == 1 {
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
