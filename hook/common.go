package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// Outcome is what a flow found: the repository it read, the rules it used
// and the findings, with what it could not scan.
type Outcome struct {
	Repo    *gitread.Repo
	Config  *rules.Config
	Result  *scan.Result
	Backend string        // the staged-change reader used (pre-commit)
	History []scan.Commit // commits with findings, children first (pre-push)

	receipt *pendingReceipt
}

// ConfigError is a configuration that could not be loaded: a usage problem,
// not a failure to read git.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig loads rules for root and prints configuration warnings on stderr.
func LoadConfig(root, path string, stderr io.Writer) (*rules.Config, error) {
	cfg, err := rules.Load(root, path)
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "leakhook: %s\n", w)
	}
	return cfg, nil
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
