package hook

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Repo is a git repository as the hook sees it.
type Repo struct {
	Root      string // top of the working tree ("" for a bare repository)
	GitDir    string // this worktree's git dir
	CommonDir string // shared git dir (differs from GitDir in linked worktrees)
	Bare      bool
}

// Changes are the Items read from a repository and the files skipped.
type Changes struct {
	Items   []Item
	Skipped []Skipped
	Backend string // "go-git" or "git": which reader produced them
}

func (c *Changes) add(it Item) error { c.Items = append(c.Items, it); return nil }
func (c *Changes) skip(s Skipped)    { c.Skipped = append(c.Skipped, s) }

// Open finds the repository holding dir, asking git itself so that every
// layout git supports (worktrees, GIT_DIR, core.worktree, bare) is right.
func Open(ctx context.Context, dir string) (*Repo, error) {
	out, err := runGit(ctx, dir, "rev-parse", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir", "--show-toplevel")
	if err != nil {
		if strings.Contains(err.Error(), "not a git repository") {
			return nil, fmt.Errorf("%s is not inside a git repository", dir)
		}
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) < 3 {
		return nil, fmt.Errorf("git rev-parse printed %q", out)
	}
	r := &Repo{Bare: lines[0] == "true", GitDir: lines[1], CommonDir: lines[2]}
	if !filepath.IsAbs(r.CommonDir) {
		r.CommonDir = filepath.Join(dir, r.CommonDir)
	}
	if len(lines) > 3 {
		r.Root = lines[3]
	}
	if !r.Bare && r.Root == "" {
		return nil, fmt.Errorf("%s: git found no working tree", dir)
	}
	return r, nil
}

// IndexFile is the index git is committing from: GIT_INDEX_FILE when git set
// it (git commit -a and git commit <path> use a temporary index), else the
// worktree's own index.
func (r *Repo) IndexFile() string {
	if f := os.Getenv("GIT_INDEX_FILE"); f != "" {
		if !filepath.IsAbs(f) {
			wd, _ := os.Getwd()
			f = filepath.Join(wd, f)
		}
		return f
	}
	return filepath.Join(r.GitDir, "index")
}
