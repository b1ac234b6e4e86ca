package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

func init() {
	register(&command{
		name:    "pre-commit",
		args:    "[--format F] [--config FILE] [--files PATH...]",
		summary: "scan the staged change (index vs HEAD); exit 1 blocks the commit",
		run:     runPreCommit,
	})
}

func runPreCommit(args []string) int {
	c := commands["pre-commit"]
	fs := newFlags(c)
	var of outputFlags
	of.register(fs)
	fs.Bool("files", false, "scan these files (the pre-commit framework passes them): within git commit, their staged change;\n"+
		"otherwise (pre-commit run --all-files/--files) their whole staged content. Everything after --files is a path.")
	// Everything after --files is a path, even one that starts with '-'.
	var files []string
	filesMode := false
	for i, a := range args {
		if a == "--files" || a == "-files" {
			files, args, filesMode = args[i+1:], args[:i], true
			break
		}
	}
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return problem("pre-commit takes no arguments (got %q); to scan files use --files PATH...", rest)
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
	restoreGC := lazyGC()
	phase := phaseTimer()
	repo, err := hook.Open(ctx, wd)
	if err != nil {
		return readFailure(budgetError(ctx, err, "finding the repository"))
	}
	phase("find repository")
	// While git reads the staged change, one goroutine loads the rules and
	// then prepares the scan receipt (which lets pre-push skip this commit,
	// cmd_prepush.go). One, not two: on a two-core machine git keeps a core
	// to itself, and both jobs together take less time than git does.
	type loaded struct {
		cfg *rules.Config
		err error
	}
	cfgDone := make(chan loaded, 1)
	var receipt *pendingReceipt
	if !filesMode {
		receipt = newPendingReceipt(repo)
	}
	go func() {
		cfg, err := loadConfig(repo.Root, of.config)
		cfgDone <- loaded{cfg, err}
		receipt.prepare(ctx)
	}()
	read := func(maxSize int64) (*hook.Changes, error) {
		switch {
		case !filesMode:
			return hook.Staged(ctx, repo, maxSize, os.Getenv("LEAKHOOK_BACKEND"))
		case os.Getenv("GIT_INDEX_FILE") != "":
			// Inside git commit (git sets GIT_INDEX_FILE for every pre-commit
			// hook): the staged change of these files only.
			ch, err := hook.Staged(ctx, repo, maxSize, os.Getenv("LEAKHOOK_BACKEND"))
			if err == nil {
				ch.Items = onlyPaths(ch.Items, rootRelative(wd, repo.Root, files))
			}
			return ch, err
		default:
			// An explicit run (pre-commit run --all-files / --files): the whole
			// staged content of these files.
			return hook.IndexFiles(ctx, repo, rootRelative(wd, repo.Root, files), maxSize)
		}
	}
	changes, err := read(rules.DefaultMaxFileSize)
	l := <-cfgDone
	if l.err != nil {
		return problem("%v", l.err)
	}
	cfg := l.cfg
	if err == nil && cfg.MaxFileSize != rules.DefaultMaxFileSize {
		changes, err = read(cfg.MaxFileSize) // the repository sets its own size cap
	}
	if err != nil {
		return readFailure(budgetError(ctx, err, "reading the staged changes"))
	}
	phase("read staged changes (" + changes.Backend + ")")
	if size := changes.Size(); size > 32<<20 {
		restoreGC() // a huge change: keep its memory bounded
	}
	res, err := scan.Items(ctx, cfg.Engine, changes.Items)
	phase("scan")
	if err != nil {
		return readFailure(budgetError(ctx, err, "scanning the staged changes"))
	}
	res.Skipped = changes.Skipped
	code = of.emit(res, cfg, report.ModeCommit, repo.Root)
	phase("report")
	if code == exitClean && receipt != nil && len(res.Skipped) == 0 {
		receipt.write(cfg)
		phase("write scan receipt")
	}
	return code
}

// lazyGC makes the garbage collector run at 5× the live heap instead of 2×,
// but never past 256 MiB, unless GOGC or GOMEMLIMIT say otherwise. A commit
// hook's heap is small and short-lived: collecting it cost ~3 ms of ~17 and
// freed nothing the process needed. It returns a function that restores the
// defaults.
func lazyGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	pct, limit := debug.SetGCPercent(400), debug.SetMemoryLimit(256<<20)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
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

func onlyPaths(items []hook.Item, paths []string) []hook.Item {
	keep := map[string]bool{}
	for _, p := range paths {
		keep[p] = true
	}
	var out []hook.Item
	for _, it := range items {
		if keep[it.Path] {
			out = append(out, it)
		}
	}
	return out
}
