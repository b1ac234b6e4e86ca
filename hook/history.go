package hook

import (
	"context"
	"fmt"
	"io"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
	"github.com/sourcegraph/conc"
)

// HistoryOptions say which history `scan --git` reads.
type HistoryOptions struct {
	Dir        string          // working directory
	ConfigFile string          // --config; "" is .leakhook.toml at the repository root
	Revs       []string        // revisions and ranges; none is HEAD
	Reader     gitread.Options // the git reader's settings
	Stderr     io.Writer       // configuration warnings
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
	repo.Options = o.Reader
	q := gitread.HistoryQuery{Revs: revs}
	// The commits' messages come with their changes, in the one stream,
	// and are scanned with them; the tags are listed beside it and those
	// of its commits read after.
	var (
		commits = map[string]bool{}
		tags    gitread.Tags
	)
	q.Messages = func(it scan.Item) error {
		commits[it.Commit.ID] = true
		return nil
	}
	// The stream's gits start now and the configuration loads beside
	// them (and the commits are counted, for a progress bar): they read
	// nothing until it is known (Ready), and the stream is stopped if it
	// cannot be.
	var (
		cfg      *rules.Config
		bl       *baseline.Baseline
		cfgErr   error
		loaded   = make(chan struct{})
		progress func(int)
	)
	if o.Progress != nil {
		q.Progress = func(n int) { // progress is set before Ready returns
			if progress != nil {
				progress(n)
			}
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	q.Ready = func() (int64, error) {
		select {
		case <-loaded:
		case <-sctx.Done():
			return 0, sctx.Err()
		}
		if cfgErr != nil {
			return 0, cfgErr
		}
		return cfg.MaxFileSize, nil
	}
	items, wait := gitread.HistoryItems(sctx, repo, q, 0)
	var counted conc.WaitGroup
	var total int
	var countErr error
	if o.Progress != nil {
		counted.Go(func() { total, countErr = gitread.CountCommits(ctx, repo, revs) })
	}
	cfg, bl, cfgErr = historyConfig(ctx, repo, o.ConfigFile, revs, o.Stderr)
	counted.Wait()
	if cfgErr == nil && countErr != nil {
		cfgErr = countErr
	}
	if cfgErr == nil && o.Progress != nil {
		progress = o.Progress(total) // after the configuration's warnings
	}
	close(loaded)
	if cfgErr != nil {
		cancel()
		wait()
		return nil, cfgErr
	}
	stream := func() (*scan.Result, error) { return scanHistoryItems(sctx, cancel, cfg, items, wait) }
	res, err := scanWithMessages(ctx, cfg, stream,
		func() (_ []scan.Item, err error) { tags, err = gitread.AnnotatedTags(ctx, repo); return nil, err },
		func() ([]scan.Item, error) {
			ids, refs := tags.PointingAt(commits)
			return gitread.TagMessages(ctx, repo, ids, refs)
		},
		"scanning history", "scanning commit and tag messages")
	if err != nil {
		return nil, err
	}
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res, Baseline: bl, BaselineAtBase: o.ConfigFile == ""}, nil
}

// historyConfig loads the rules and baseline a history scan checks with.
// With --config (trusted) that file rules. Otherwise, as pre-push does, the
// repository's .leakhook.toml, .gitleaksignore and .leakhook-baseline are
// read as committed at the range's base (historyBaseCandidates), not from the
// working tree, which holds what the scanned commits made of them; when
// the scanned commits change them, it says so.
func historyConfig(ctx context.Context, repo *gitread.Repo, configFile string, revs []string, stderr io.Writer) (*rules.Config, *baseline.Baseline, error) {
	if configFile != "" {
		cfg, err := LoadConfig(repo.Root, configFile, stderr)
		if err != nil {
			return nil, nil, &ConfigError{err}
		}
		return cfg, nil, nil
	}
	tips, bases, err := gitread.RangeEnds(ctx, repo, revs)
	if err != nil {
		return nil, nil, BudgetError(ctx, err, "reading the range")
	}
	return committedConfig(ctx, repo, stderr, historyBaseCandidates(bases), "nothing (no base and no default branch)", tips, nil, func(file, at string) string {
		return fmt.Sprintf("the scanned commits change %s; they are checked with the one committed at %s (--config FILE or --baseline FILE choose another)", file, at)
	})
}

// historyBaseCandidates are the revisions a history scan's configuration
// is read from, the first that is a commit: the range's first excluded
// commit (origin/main in origin/main..HEAD), else the default branch's tip
// (origin's HEAD, main or master, then the local main or master); none:
// nothing committed, the built-in rules and the user's own configuration.
func historyBaseCandidates(bases []string) []baseCandidate {
	if len(bases) > 0 {
		return []baseCandidate{{bases[0], "the range's base " + bases[0][:min(10, len(bases[0]))]}}
	}
	return append(pushBaseCandidates("origin", nil), baseCandidate{"refs/heads/main", "main"}, baseCandidate{"refs/heads/master", "master"})
}

// ScanHistory streams a history query through the scanner.
func ScanHistory(ctx context.Context, repo *gitread.Repo, cfg *rules.Config, q gitread.HistoryQuery) (*scan.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items, wait := gitread.HistoryItems(ctx, repo, q, cfg.MaxFileSize)
	return scanHistoryItems(ctx, cancel, cfg, items, wait)
}

// scanHistoryItems scans what gitread.HistoryItems hands on; cancel stops
// the history (its context) when the scan fails.
func scanHistoryItems(ctx context.Context, cancel func(), cfg *rules.Config, items <-chan scan.Item, wait func() ([]scan.Skipped, error)) (*scan.Result, error) {
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

// scanWithMessages scans the changes stream scans (nil: none) and the
// messages read returns, read while the changes are scanned (each is
// mostly git's work, in its own process); a panic while reading is raised
// again here. after (nil: none), called once the stream is over and read
// has returned, returns messages known only then (the annotated tags of
// the commits the stream read); they are scanned before read's. doing and
// doingMessages name each part in errors.
func scanWithMessages(ctx context.Context, cfg *rules.Config, stream func() (*scan.Result, error), read func() ([]scan.Item, error), after func() ([]scan.Item, error), doing, doingMessages string) (*scan.Result, error) {
	var (
		msgs    []scan.Item
		msgErr  error
		reading conc.WaitGroup
	)
	reading.Go(func() { msgs, msgErr = read() })
	res := &scan.Result{}
	var err error
	if stream != nil {
		res, err = stream()
	}
	reading.Wait()
	if err != nil {
		return nil, BudgetError(ctx, err, doing)
	}
	if after != nil && msgErr == nil {
		var more []scan.Item
		more, msgErr = after()
		msgs = append(more, msgs...)
	}
	if msgErr == nil {
		msgErr = scanMessages(ctx, cfg, msgs, res)
	}
	if msgErr != nil {
		return nil, BudgetError(ctx, msgErr, doingMessages)
	}
	return res, nil
}

// scanMessages scans commit and tag messages and adds their findings to res.
func scanMessages(ctx context.Context, cfg *rules.Config, items []scan.Item, res *scan.Result) error {
	if len(items) == 0 {
		return nil
	}
	mres, err := scan.Items(ctx, cfg.Engine, items)
	if err != nil {
		return err
	}
	res.Findings = append(mres.Findings, res.Findings...)
	res.Suppressed = append(mres.Suppressed, res.Suppressed...)
	res.Scanned += mres.Scanned
	return nil
}
