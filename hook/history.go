package hook

import (
	"context"
	"io"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// HistoryOptions say which history `scan --git` reads.
type HistoryOptions struct {
	Dir        string    // working directory
	ConfigFile string    // --config; "" is .leakhook.toml at the repository root
	Revs       []string  // revisions and ranges; none is HEAD
	Stderr     io.Writer // configuration warnings
	// Progress, when set, is told how many commits the range holds and
	// returns the function to call as each is scanned (nil: no progress).
	Progress func(total int) (update func(n int))
}

// History scans every commit's own change in a range. A *ConfigError is a
// configuration problem.
func History(ctx context.Context, o HistoryOptions) (*Outcome, error) {
	revs := o.Revs
	if len(revs) == 0 {
		revs = []string{"HEAD"}
	}
	repo, err := gitread.OpenForPush(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	q := gitread.HistoryQuery{Revs: revs}
	if o.Progress != nil {
		n, err := gitread.CountCommits(ctx, repo, revs)
		if err != nil {
			return nil, err
		}
		q.Progress = o.Progress(n)
	}
	res, err := ScanHistory(ctx, repo, cfg, q)
	if err != nil {
		return nil, BudgetError(ctx, err, "scanning history")
	}
	return &Outcome{Repo: repo, Config: cfg, Result: res}, nil
}

// ScanHistory streams a history query through the scanner.
func ScanHistory(ctx context.Context, repo *gitread.Repo, cfg *rules.Config, q gitread.HistoryQuery) (*scan.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items, wait := gitread.HistoryItems(ctx, repo, q, cfg.MaxFileSize)
	res, err := scan.Stream(ctx, cfg.Engine, items)
	if err != nil {
		cancel()
		wait()
		return nil, err
	}
	skipped, err := wait()
	if err != nil {
		return nil, err
	}
	res.Skipped = skipped
	return res, nil
}
