package gitread

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/internal/gitrun"
	"github.com/leakhook/leakhook/scan"
)

// Repo is a git repository as the hook sees it.
type Repo struct {
	Root      string // top of the working tree ("" for a bare repository)
	GitDir    string // this worktree's git dir
	CommonDir string // shared git dir (differs from GitDir in linked worktrees)
	Bare      bool
	Options
}

// Options are what the command line decides for the reader in this process;
// Open leaves them zero.
type Options struct {
	Debug io.Writer // diagnostics (LEAKHOOK_DEBUG=1); nil: none
	// LeaveCore is called while git streams to us and returns the function
	// that undoes it (the command line runs Go on one core fewer, so git
	// keeps one to itself); nil: nothing.
	LeaveCore func() (restore func())
}

// Changes are the Items read from a repository and the files skipped.
type Changes struct {
	Items   []scan.Item
	Skipped []scan.Skipped
	Backend string // "inprocess" or "git": which reader produced them
}

func (c *Changes) add(it scan.Item) error { c.Items = append(c.Items, it); return nil }
func (c *Changes) skip(s scan.Skipped)    { c.Skipped = append(c.Skipped, s) }

// Open finds the repository holding dir. The common layouts (a .git
// directory, or a .git file pointing into a linked worktree's git dir) are
// found here without starting a process; everything else (GIT_DIR or
// GIT_WORK_TREE set, core.worktree, bare repositories) is asked of git itself.
func Open(ctx context.Context, dir string) (*Repo, error) {
	if r := discover(dir); r != nil {
		return r, nil
	}
	return revParse(ctx, dir)
}

// discover walks up from dir to the nearest .git and returns the repository
// when its layout is one it fully understands, else nil.
func discover(dir string) *Repo {
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"} {
		if os.Getenv(v) != "" {
			return nil
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for d := abs; ; d = filepath.Dir(d) {
		dotgit := filepath.Join(d, ".git")
		fi, err := os.Lstat(dotgit)
		if err == nil {
			r := &Repo{Root: d}
			switch {
			case fi.IsDir():
				r.GitDir, r.CommonDir = dotgit, dotgit
			case fi.Mode().IsRegular():
				data, err := os.ReadFile(dotgit)
				if err != nil {
					return nil
				}
				gd, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
				if !ok {
					return nil
				}
				if !filepath.IsAbs(gd) {
					gd = filepath.Join(d, gd)
				}
				r.GitDir, r.CommonDir = filepath.Clean(gd), filepath.Clean(gd)
				if cd, err := os.ReadFile(filepath.Join(gd, "commondir")); err == nil {
					c := strings.TrimSpace(string(cd))
					if !filepath.IsAbs(c) {
						c = filepath.Join(gd, c)
					}
					r.CommonDir = filepath.Clean(c)
				}
			default:
				return nil
			}
			// core.worktree or a bare flag in the config changes the layout: ask git.
			cfg, err := os.ReadFile(filepath.Join(r.CommonDir, "config"))
			if err != nil || strings.Contains(strings.ToLower(string(cfg)), "worktree") || strings.Contains(strings.ToLower(string(cfg)), "bare = true") {
				return nil
			}
			if _, err := os.Stat(filepath.Join(r.GitDir, "HEAD")); err != nil {
				return nil
			}
			return r
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// revParse asks git where the repository is.
func revParse(ctx context.Context, dir string) (*Repo, error) {
	out, err := runGit(ctx, dir, "rev-parse", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir", "--show-toplevel")
	if err != nil {
		if gitrun.Says(err, "not a git repository") {
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
