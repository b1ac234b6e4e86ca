package hook

import (
	"context"
	"fmt"
	"io"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/scan"
)

// BaselineOptions say what `leakhook baseline` records.
type BaselineOptions struct {
	Dir        string          // working directory
	ConfigFile string          // --config; "" is .leakhook.toml at the repository root
	History    bool            // also every commit of HEAD's history, not only the files at HEAD
	Reader     gitread.Options // the git reader's settings
	Stderr     io.Writer       // configuration warnings
}

// Baseline finds the secrets a baseline may record: those in the files at
// HEAD and, with History, in every commit of HEAD's history. The caller
// triages them (under the baseline's salt) before recording.
func Baseline(ctx context.Context, o BaselineOptions) (*Outcome, error) {
	repo, err := gitread.Open(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	if repo.Bare {
		return nil, fmt.Errorf("%s is a bare repository: run leakhook baseline in a working tree", repo.GitDir)
	}
	repo.Options = o.Reader
	cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	head, err := gitread.HeadFiles(ctx, repo, cfg.MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading the files at HEAD: %w", BudgetError(ctx, err, "reading HEAD"))
	}
	res, err := scan.Items(ctx, cfg.Engine, head.Items)
	if err != nil {
		return nil, BudgetError(ctx, err, "scanning HEAD")
	}
	res.Skipped = head.Skipped
	if o.History && len(head.Items) > 0 {
		hres, err := ScanHistory(ctx, repo, cfg, gitread.HistoryQuery{Revs: []string{"HEAD"}})
		if err != nil {
			return nil, fmt.Errorf("scanning history: %w", BudgetError(ctx, err, "scanning history"))
		}
		res.Findings = append(res.Findings, hres.Findings...)
		res.Skipped = append(res.Skipped, hres.Skipped...)
	}
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res}, nil
}
