// Package gittest builds real git repositories in temporary directories for
// tests, with git's configuration isolated from the machine's.
package gittest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gitrun"
)

// Isolate points git at an empty global configuration and a fake identity
// for the rest of the test.
func Isolate(t testing.TB) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"} {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	t.Setenv("GIT_OPTIONAL_LOCKS", "0") // git status must not rewrite the index under test
	t.Setenv("GIT_AUTHOR_NAME", "Test")
	t.Setenv("GIT_AUTHOR_EMAIL", "test@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Test")
	t.Setenv("GIT_COMMITTER_EMAIL", "test@example.com")
	t.Setenv("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
	t.Setenv("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
}

// Repo is a repository under test.
type Repo struct {
	T   testing.TB
	Dir string
}

// New makes an isolated, empty repository on branch main. Extra arguments
// go to git init (e.g. "--object-format=sha256").
func New(t testing.TB, initArgs ...string) *Repo {
	t.Helper()
	Isolate(t)
	r := &Repo{T: t, Dir: t.TempDir()}
	r.Git(append([]string{"init", "-q", "-b", "main"}, initArgs...)...)
	return r
}

// Git runs git in the repository and returns its trimmed output; failure ends the test.
func (r *Repo) Git(args ...string) string {
	r.T.Helper()
	out, err := r.TryGit(args...)
	if err != nil {
		r.T.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TryGit runs git and returns its output and error.
func (r *Repo) TryGit(args ...string) (string, error) {
	cmd := gitrun.Plain(r.Dir, args...)
	out, err := cmd.CombinedOutput()
	return strings.TrimRight(string(out), "\n"), err
}

// Write writes a file (creating directories) relative to the repository.
func (r *Repo) Write(name, content string) {
	r.T.Helper()
	p := filepath.Join(r.Dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.T.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.T.Fatal(err)
	}
}

// Commit stages everything and commits.
func (r *Repo) Commit(msg string) string {
	r.T.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Snapshot returns the bytes of the index and the porcelain status, to check
// that a command left the repository untouched.
func (r *Repo) Snapshot() string {
	r.T.Helper()
	idx, _ := os.ReadFile(filepath.Join(r.Dir, ".git", "index"))
	return string(idx) + "\x00" + r.Git("status", "--porcelain=v2", "--untracked-files=all")
}
