package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/internal/prestart"
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
	defer prestart.Discard() // a git started early that nobody read
	if prestart.Started() {
		// git is reading already: from here on, leave it a core. (The
		// staged reader does the same whenever it reads through git, but
		// this starts before the rules load beside it.)
		defer gitread.LeaveCoreToGit()()
	}
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
	repo, err := gitread.Open(ctx, wd)
	if err != nil {
		return readFailure(budgetError(ctx, err, "finding the repository"))
	}
	phase("find repository")
	// While git reads the staged change, one goroutine loads the rules and
	// then prepares the scan receipt (which lets pre-push skip this commit,
	// cmd_prepush.go). One, not two: on a two-core machine git keeps a core
	// to itself, and both jobs together take less time than git does.
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
	// read reads what is being committed, handing each item to emit.
	read := func(maxSize int64, emit func(scan.Item) error) (*gitread.Changes, error) {
		backend := os.Getenv("LEAKHOOK_BACKEND")
		switch {
		case !filesMode:
			return gitread.StagedStream(ctx, repo, maxSize, backend, emit)
		case os.Getenv("GIT_INDEX_FILE") != "":
			// Inside git commit (git sets GIT_INDEX_FILE for every pre-commit
			// hook): the staged change of these files only.
			keep := map[string]bool{}
			for _, p := range rootRelative(wd, repo.Root, files) {
				keep[p] = true
			}
			return gitread.StagedStream(ctx, repo, maxSize, backend, func(it scan.Item) error {
				if !keep[it.Path] {
					return nil
				}
				return emit(it)
			})
		default:
			// An explicit run (pre-commit run --all-files / --files): the whole
			// staged content of these files.
			ch, err := gitread.IndexFiles(ctx, repo, rootRelative(wd, repo.Root, files), maxSize)
			if err != nil {
				return nil, err
			}
			return ch, ch.EmitTo(emit)
		}
	}
	st := readAndScan(ctx, cfgDone, read, restoreGC)
	if st.cfgErr != nil {
		return problem("%v", st.cfgErr)
	}
	if st.readErr != nil {
		return readFailure(budgetError(ctx, st.readErr, "reading the staged changes"))
	}
	cfg, changes := st.cfg, st.changes
	phase("read and scan staged changes (" + changes.Backend + ")")
	if st.scanErr != nil {
		return readFailure(budgetError(ctx, st.scanErr, "scanning the staged changes"))
	}
	res := st.res
	res.Skipped = changes.Skipped
	code = of.emit(res, cfg, report.ModeCommit, repo.Root)
	phase("report")
	if code == exitClean && receipt != nil && len(res.Skipped) == 0 {
		receipt.write(cfg)
		phase("write scan receipt")
	}
	return code
}

// loaded is the outcome of loading the rules and configuration.
type loaded struct {
	cfg *rules.Config
	err error
}

// stagedScan is what readAndScan found, with an error for each stage.
type stagedScan struct {
	cfg                      *rules.Config
	changes                  *gitread.Changes
	res                      *scan.Result
	cfgErr, readErr, scanErr error
}

// readAndScan reads what is being committed with read and scans the items as
// they arrive: a scanner starts on the stream once the rules are loaded (well
// before git is done). A repository that sets its own size cap is read again
// with it. restoreGC is called once the change passes 32 MiB.
func readAndScan(ctx context.Context, cfgDone <-chan loaded, read func(int64, func(scan.Item) error) (*gitread.Changes, error), restoreGC func()) stagedScan {
	type scanned struct {
		res *scan.Result
		err error
	}
	stream := make(chan scan.Item, 64)
	scanDone := make(chan scanned, 1)
	cfgReady := make(chan loaded, 1)
	go func() {
		l := <-cfgDone
		cfgReady <- l
		if l.err != nil || l.cfg.MaxFileSize != rules.DefaultMaxFileSize {
			for range stream {
			}
			scanDone <- scanned{}
			return
		}
		res, err := scan.Stream(ctx, l.cfg.Engine, stream)
		scanDone <- scanned{res, err}
	}()
	size := 0
	emit := func(it scan.Item) error {
		if size += len(it.Content); size > 32<<20 && restoreGC != nil {
			restoreGC() // a huge change: keep its memory bounded
			restoreGC = nil
		}
		select {
		case stream <- it:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	changes, err := read(rules.DefaultMaxFileSize, emit)
	close(stream)
	l := <-cfgReady
	sc := <-scanDone
	if l.err != nil {
		return stagedScan{cfgErr: l.err}
	}
	if err == nil && l.cfg.MaxFileSize != rules.DefaultMaxFileSize {
		var items []scan.Item
		changes, err = read(l.cfg.MaxFileSize, func(it scan.Item) error { items = append(items, it); return nil })
		if err == nil {
			sc.res, sc.err = scan.Items(ctx, l.cfg.Engine, items)
		}
	}
	if err != nil {
		return stagedScan{cfg: l.cfg, readErr: err}
	}
	return stagedScan{cfg: l.cfg, changes: changes, res: sc.res, scanErr: sc.err}
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
