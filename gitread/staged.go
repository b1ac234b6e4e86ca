package gitread

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/prestart"
)

// Backend names accepted by LEAKHOOK_BACKEND, which forces one reader:
// the git CLI, or the in-process reader (leakhook's own index decoder and
// object store; "go-git", its old name, is an alias).
const (
	BackendAuto      = ""
	BackendGit       = "git"
	BackendInProcess = "inprocess"
)

// ParseBackend checks a LEAKHOOK_BACKEND value and returns its canonical
// name; an unknown value is an error, not a silent "auto".
func ParseBackend(s string) (string, error) {
	switch s {
	case BackendAuto, BackendGit, BackendInProcess:
		return s, nil
	case "go-git":
		return BackendInProcess, nil
	}
	return "", fmt.Errorf("LEAKHOOK_BACKEND=%q is not a reader: use git or inprocess, or leave it unset to let leakhook choose", s)
}

// Staged returns the staged changes: the index git is committing from
// against HEAD. It uses go-git when the preflight says go-git is exact and
// fast for this repository, and the git CLI otherwise or on any go-git error.
func Staged(ctx context.Context, repo *Repo, maxSize int64, backend string) (*Changes, error) {
	return StagedStream(ctx, repo, maxSize, backend, nil)
}

// StagedStream is Staged, handing each item to emit (when not nil) instead
// of collecting it in Changes.Items: the git CLI reader emits items as git
// prints them, so scanning overlaps reading. The go-git reader emits only
// once it has read everything, so that falling back to the CLI after a
// go-git error never emits an item twice.
func StagedStream(ctx context.Context, repo *Repo, maxSize int64, backend string, emit func(scan.Item) error) (*Changes, error) {
	if repo.Bare {
		return nil, fmt.Errorf("%s is a bare repository: there is no index to commit from", repo.GitDir)
	}
	backend, err := ParseBackend(backend)
	if err != nil {
		return nil, err
	}
	cli := func() (*Changes, error) { return cliStaged(ctx, repo, maxSize, emit) }
	switch backend {
	case BackendGit:
		return cli()
	case BackendInProcess:
		ch, err := safeGoGit(ctx, repo, maxSize)
		if err != nil {
			return nil, err
		}
		return ch, ch.EmitTo(emit)
	}
	if reason := goGitUnfit(repo); reason != "" {
		repo.Debugf("staged: using git CLI: %s", reason)
		return cli()
	}
	ch, err := safeGoGit(ctx, repo, maxSize)
	if err != nil {
		repo.Debugf("staged: the in-process reader failed (%v); using git CLI", err)
		return cli()
	}
	return ch, ch.EmitTo(emit)
}

// EmitTo hands the collected items to emit, if there is one, and forgets
// them.
func (c *Changes) EmitTo(emit func(scan.Item) error) error {
	if emit == nil {
		return nil
	}
	for _, it := range c.Items {
		if err := emit(it); err != nil {
			return err
		}
	}
	c.Items = nil
	return nil
}

// safeGoGit turns a go-git panic into an error so the caller can fall back.
func safeGoGit(ctx context.Context, repo *Repo, maxSize int64) (ch *Changes, err error) {
	defer func() {
		if p := recover(); p != nil {
			ch, err = nil, fmt.Errorf("go-git panicked: %v", p)
		}
	}()
	if ch, err = gogitStaged(ctx, repo, maxSize); err != nil {
		return nil, err
	}
	// Git LFS pointers are replaced by their content, as the CLI reader does.
	items := ch.Items
	ch.Items = nil
	lfs := newLFSExpander(repo, maxSize, ch.add, ch.skip)
	for _, it := range items {
		if err := lfs.item(it); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

// goGitUnfit says why go-git must not read this repository, or "" if it may.
// Each reason is a measured gap in go-git v5: repository extensions
// (worktreeConfig, sha256, partial clone), promisor remotes (git 2.39 marks
// a partial clone only with remote.<name>.promisor), split/sparse index, skipHash,
// alternates, environment that redirects object lookup, and large object
// stores where loading every pack index costs more than running git.
func goGitUnfit(repo *Repo) string {
	for _, v := range []string{"GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_REPLACE_REF_BASE", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"} {
		if os.Getenv(v) != "" {
			return v + " is set"
		}
	}
	for _, f := range []string{filepath.Join(repo.CommonDir, "config"), filepath.Join(repo.GitDir, "config.worktree")} {
		data, err := os.ReadFile(f)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return err.Error()
		}
		low := bytes.ToLower(data)
		for _, word := range []string{"extensions", "include", "splitindex", "sparse", "skiphash", "manyfiles", "grafts", "replace", "promisor"} {
			if bytes.Contains(low, []byte(word)) {
				return fmt.Sprintf("%s mentions %q", f, word)
			}
		}
	}
	for _, f := range []string{"objects/info/alternates", "shallow", "objects/info/grafts", "info/grafts"} {
		if _, err := os.Stat(filepath.Join(repo.CommonDir, f)); err == nil {
			return f + " exists"
		}
	}
	if _, err := os.Stat(filepath.Join(repo.CommonDir, "refs", "replace")); err == nil {
		return "refs/replace exists"
	}
	head, err := os.ReadFile(filepath.Join(repo.GitDir, "HEAD"))
	if err != nil {
		return err.Error()
	}
	if h := bytes.TrimSpace(head); !bytes.HasPrefix(h, []byte("ref: ")) && len(h) != 40 {
		return "HEAD is not a SHA-1 id"
	}
	// On a 17k-file, 372k-object repository the in-process reader takes
	// ~16 ms against git diff's ~7 ms (Go's inflate and line diff are slower
	// than git's C), but from 100k files up reading the index and skipping
	// directories by cache-tree costs less in process than git does
	// (prestart.InProcessCheaper has the numbers).
	if !prestart.InProcessCheaper(repo.CommonDir, repo.IndexFile()) {
		return fmt.Sprintf("pack indexes total %d bytes and the index holds fewer than %d entries", prestart.PackIndexBytes(repo.CommonDir), prestart.InProcessMinEntries)
	}
	return ""
}

// Debugf prints a diagnostic line on the reader's Debug writer, if any.
func (r *Repo) Debugf(format string, a ...any) {
	if r.Debug != nil {
		fmt.Fprintf(r.Debug, "leakhook debug: "+format+"\n", a...)
	}
}

// leaveCore calls LeaveCore, if set, while git streams to us.
func (r *Repo) leaveCore() (restore func()) {
	if r.LeaveCore == nil {
		return func() {}
	}
	return r.LeaveCore()
}
