package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/scan"
)

func init() {
	register(&command{
		name:    "pre-commit",
		args:    "[--format F] [--config FILE]",
		summary: "scan the staged change (index vs HEAD); exit 1 blocks the commit",
		run:     runPreCommit,
	})
}

func runPreCommit(args []string) int {
	c := commands["pre-commit"]
	fs := newFlags(c)
	var of outputFlags
	of.register(fs)
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return problem("pre-commit takes no arguments (got %q)", rest)
	}
	if err := of.check(); err != nil {
		return problem("%v", err)
	}
	ctx, cancel := of.withBudget()
	defer cancel()

	wd, err := os.Getwd()
	if err != nil {
		return problem("%v", err)
	}
	repo, err := hook.Open(ctx, wd)
	if err != nil {
		return readFailure(err)
	}
	cfg, err := loadConfig(repo.Root, of.config)
	if err != nil {
		return problem("%v", err)
	}
	changes, err := hook.Staged(ctx, repo, cfg.MaxFileSize, os.Getenv("LEAKHOOK_BACKEND"))
	if err != nil {
		return readFailure(budgetError(ctx, err, "reading the staged changes"))
	}
	res, err := scan.Items(ctx, cfg.Engine, changes.Items)
	if err != nil {
		return readFailure(budgetError(ctx, err, "scanning the staged changes"))
	}
	res.Skipped = changes.Skipped
	return of.emit(res, cfg, report.ModeCommit, repo.Root)
}

// readFailure blocks when what is being committed could not be read: a
// failure to read is never "nothing found".
func readFailure(err error) int {
	fmt.Fprintf(os.Stderr, `leakhook: could not read what is being committed: %v
Nothing was scanned, so leakhook blocked. Fix the problem above and try again;
to bypass the hook once, knowing nothing was checked: git commit --no-verify
`, err)
	return exitProblem
}

// budgetError explains a timeout in terms of what was left unscanned.
func budgetError(ctx context.Context, err error, what string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the time budget ran out while %s; the rest was not scanned (raise it with --timeout)", what)
	}
	return err
}
