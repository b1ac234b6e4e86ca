package hook

import (
	"context"
	"io"
	"runtime/debug"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/internal/prestart"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// PreCommitOptions say what a pre-commit run reads and how.
type PreCommitOptions struct {
	Dir        string // working directory
	ConfigFile string // --config; "" is .leakhook.toml at the repository root
	Backend    string // staged-change reader, as LEAKHOOK_BACKEND ("" picks one)
	// FilesMode scans only Files (paths relative to Dir; the pre-commit
	// framework passes them). InCommit says git commit runs us (it sets
	// GIT_INDEX_FILE for every pre-commit hook): then their staged change
	// is read, otherwise their whole staged content.
	FilesMode bool
	Files     []string
	InCommit  bool
	// LazyGC lets the garbage collector run late (see lazyGC); the caller
	// leaves it off when GOGC or GOMEMLIMIT are set.
	LazyGC bool
	Reader gitread.Options // the git reader's settings (debug output, leaving git a core)
	Stderr io.Writer       // configuration warnings
	Phase  func(string)    // called as each phase ends (debug timing); may be nil
}

// PreCommit reads the staged change and scans it. A *ConfigError is a
// configuration problem; any other error means the change could not be read
// or scanned, so nothing was checked.
func PreCommit(ctx context.Context, o PreCommitOptions) (*Outcome, error) {
	defer prestart.Discard() // a git started early that nobody read
	if prestart.Started() && o.Reader.LeaveCore != nil {
		// git is reading already: from here on, leave it a core. (The
		// staged reader does the same whenever it reads through git, but
		// this starts before the rules load beside it.)
		defer o.Reader.LeaveCore()()
	}
	phase := o.Phase
	if phase == nil {
		phase = func(string) {}
	}
	var restoreGC func()
	if o.LazyGC {
		restoreGC = lazyGC()
	}
	wd := o.Dir
	repo, err := gitread.Open(ctx, wd)
	if err != nil {
		return nil, BudgetError(ctx, err, "finding the repository")
	}
	repo.Options = o.Reader
	phase("find repository")
	// While git reads the staged change, one goroutine loads the rules and
	// then prepares the scan receipt (which lets pre-push skip this commit,
	// prepush.go). One, not two: on a two-core machine git keeps a core
	// to itself, and both jobs together take less time than git does.
	cfgDone := make(chan loaded, 1)
	var receipt *pendingReceipt
	if !o.FilesMode {
		receipt = newPendingReceipt(repo)
	}
	go func() {
		cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
		cfgDone <- loaded{cfg, err}
		receipt.prepare(ctx)
	}()
	// read reads what is being committed, handing each item to emit.
	read := func(maxSize int64, emit func(scan.Item) error) (*gitread.Changes, error) {
		backend := o.Backend
		switch {
		case !o.FilesMode:
			return gitread.StagedStream(ctx, repo, maxSize, backend, emit)
		case o.InCommit:
			// Inside git commit (git sets GIT_INDEX_FILE for every pre-commit
			// hook): the staged change of these files only.
			keep := map[string]bool{}
			for _, p := range rootRelative(wd, repo.Root, o.Files) {
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
			ch, err := gitread.IndexFiles(ctx, repo, rootRelative(wd, repo.Root, o.Files), maxSize)
			if err != nil {
				return nil, err
			}
			return ch, ch.EmitTo(emit)
		}
	}
	st := readAndScan(ctx, cfgDone, read, restoreGC)
	if st.cfgErr != nil {
		return nil, &ConfigError{st.cfgErr}
	}
	if st.readErr != nil {
		return nil, BudgetError(ctx, st.readErr, "reading the staged changes")
	}
	cfg, changes := st.cfg, st.changes
	phase("read and scan staged changes (" + changes.Backend + ")")
	if st.scanErr != nil {
		return nil, BudgetError(ctx, st.scanErr, "scanning the staged changes")
	}
	res := st.res
	res.Skipped = changes.Skipped
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res, Backend: changes.Backend, receipt: receipt}, nil
}

// WriteReceipt records that the staged change scanned clean, so pre-push can
// skip the commit made of it. Call it only once the report found nothing.
// It is best effort and does nothing when something was skipped or no
// receipt was prepared (--files).
func (o *Outcome) WriteReceipt() {
	if o.receipt == nil || len(o.Result.Skipped) > 0 {
		return
	}
	o.receipt.write(o.Config)
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
		if l.err != nil || l.cfg.MaxFileSize < rules.DefaultMaxFileSize {
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
	// The change was read in windows of the default cap before the
	// configuration was known. A raised cap changes nothing the scan sees
	// (the cap bounds memory, never coverage: windows overlap), so that read
	// stands and a big file is read once. Only a lowered cap reads again,
	// streamed, so that memory stays within it.
	if err == nil && l.cfg.MaxFileSize < rules.DefaultMaxFileSize {
		again := make(chan scan.Item, 64)
		done := make(chan scanned, 1)
		go func() {
			res, err := scan.Stream(ctx, l.cfg.Engine, again)
			done <- scanned{res, err}
		}()
		changes, err = read(l.cfg.MaxFileSize, func(it scan.Item) error {
			select {
			case again <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(again)
		sc = <-done
	}
	if err != nil {
		return stagedScan{cfg: l.cfg, readErr: err}
	}
	return stagedScan{cfg: l.cfg, changes: changes, res: sc.res, scanErr: sc.err}
}

// lazyGC makes the garbage collector run at 5× the live heap instead of 2×,
// but never past 256 MiB. A commit hook's heap is small and short-lived:
// collecting it cost ~3 ms of ~17 and freed nothing the process needed. It
// returns a function that restores the defaults.
func lazyGC() (restore func()) {
	pct, limit := debug.SetGCPercent(400), debug.SetMemoryLimit(256<<20)
	return func() {
		debug.SetGCPercent(pct)
		debug.SetMemoryLimit(limit)
	}
}
