package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// Outcome is what a flow found: the repository it read, the rules it used
// and the findings, with what it could not scan.
type Outcome struct {
	Repo   *gitread.Repo
	Config *rules.Config
	Result *scan.Result
	// Root is where the repository's own files (.gitleaksignore, the
	// baseline) are read from when the outcome is reported: the work
	// tree's root, or a server repository's git directory.
	Root    string
	Backend string        // the staged-change reader used (pre-commit)
	History []scan.Commit // commits with findings, children first (pre-push)
	// Baseline is the baseline as committed where the configuration was
	// read (pre-push), when BaselineAtBase; nil: there is none there.
	Baseline       *baseline.Baseline
	BaselineAtBase bool
	// Set by a flow that triaged already (pre-receive): whether inline
	// allow comments are refused (what it left out is in
	// Result.Suppressed).
	MarkersRefused bool

	receipt *pendingReceipt
}

// ConfigError is a configuration that could not be loaded: a usage problem,
// not a failure to read git.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig loads rules for root and prints configuration warnings on
// stderr: the built-in rules, the user's own configuration (UserConfig,
// trusted), then root's .leakhook.toml (untrusted) or path (--config,
// trusted) on top. The self-check's verdict is cached in the repository's
// .git/leakhook.
func LoadConfig(root, path string, stderr io.Writer) (*rules.Config, error) {
	return LoadConfigWith(rules.Options{Root: root, Config: path}, stderr)
}

// LoadConfigWith is LoadConfig for a flow that says more (pre-receive reads
// the repository's files as committed, and its trusted configuration is
// the server's); it adds the user's configuration unless o names one, and
// the cache.
func LoadConfigWith(o rules.Options, stderr io.Writer) (*rules.Config, error) {
	if o.User == "" {
		o.User = UserConfig()
	}
	if o.CacheDir == "" && o.Root != "" {
		o.CacheDir = cacheDir(o.Root)
	}
	cfg, err := rules.LoadWith(o)
	if err != nil {
		var le *rules.LoadError
		if errors.As(err, &le) {
			for _, w := range le.Warnings {
				fmt.Fprintf(stderr, "leakhook: %s\n", w)
			}
		}
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "leakhook: %s\n", w)
	}
	return cfg, nil
}

// UserConfig is the user's own configuration file:
// $XDG_CONFIG_HOME/leakhook/config.toml, else ~/.config/leakhook/config.toml
// (hooks read it too). It is trusted: the user, not a repository, wrote it.
// "" when there is no home directory.
func UserConfig() string {
	base := os.Getenv("XDG_CONFIG_HOME")
	if base == "" || !filepath.IsAbs(base) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		base = filepath.Join(home, ".config")
	}
	return filepath.Join(base, "leakhook", "config.toml")
}

// cacheDir is leakhook's directory in root's git directory (.git/leakhook,
// or a linked worktree's own), or "" when root holds no repository.
func cacheDir(root string) string {
	dot := filepath.Join(root, ".git")
	fi, err := os.Stat(dot)
	if err != nil {
		return ""
	}
	if fi.IsDir() {
		return filepath.Join(dot, "leakhook")
	}
	data, err := os.ReadFile(dot)
	if err != nil {
		return ""
	}
	dir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: ")
	if !ok {
		return ""
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	return filepath.Join(dir, "leakhook")
}

// BudgetError explains a timeout in terms of what was left unscanned.
func BudgetError(ctx context.Context, err error, what string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the time budget ran out while %s; the rest was not scanned (raise it with --timeout)", what)
	}
	return err
}

// rootRelative makes paths given relative to wd relative to the repository root.
func rootRelative(wd, root string, paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		if rel, err := filepath.Rel(root, p); err == nil {
			p = rel
		}
		out = append(out, filepath.ToSlash(p))
	}
	return out
}

// readWithin reads r to its end, or fails when ctx ends first: a hook
// manager that leaves standard input open and silent must not hang the push.
func readWithin(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(r)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
