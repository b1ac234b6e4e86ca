package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/internal/cores"
	"github.com/leakhook/leakhook/report"
)

// outputFlags are shared by every command that reports findings.
type outputFlags struct {
	format      string
	output      string
	showSecrets bool
	config      string
	timeout     time.Duration
	baseline    string // --baseline: "" finds it at the root, "none" ignores it
}

// register adds the shared flags for a hook: its time budget defaults to
// LEAKHOOK_TIMEOUT, else 2m, since hook scripts pass no flags.
func (o *outputFlags) register(c *cli, fs *flag.FlagSet) {
	o.registerFlags(fs)
	fs.DurationVar(&o.timeout, "timeout", c.defaultTimeout(), "time budget (default from LEAKHOOK_TIMEOUT, else 2m); when exceeded leakhook blocks and says what was not scanned")
}

// registerUnbounded adds the shared flags for a command a person or CI runs
// (scan, scan --git): it runs to the end unless --timeout is given.
// LEAKHOOK_TIMEOUT is for hooks and does not apply.
func (o *outputFlags) registerUnbounded(fs *flag.FlagSet) {
	o.registerFlags(fs)
	fs.DurationVar(&o.timeout, "timeout", 0, "time budget (default: none); when exceeded leakhook exits 2 and says what was not scanned")
}

func (o *outputFlags) registerFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.format, "format", "text", "output format: text, json or sarif")
	fs.StringVar(&o.output, "output", "", "write the report to this file instead of standard output/error")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "print secrets in full (they are masked by default)")
	fs.StringVar(&o.config, "config", "", "configuration file (default: .leakhook.toml at the repository root)")
	fs.StringVar(&o.baseline, "baseline", "", "baseline of known secrets (default: .leakhook-baseline at the repository root; none: ignore it)")
}

func (o *outputFlags) check() error { return report.CheckFormat(o.format) }

// flowError is the exit code for a flow's error: a configuration that did
// not load is a usage problem (exit 2 naming it); anything else means
// nothing was checked, which failed says.
func (c *cli) flowError(err error, failed func(error) int) int {
	var cfgErr *hook.ConfigError
	if errors.As(err, &cfgErr) {
		return c.problem("%v", cfgErr.Err)
	}
	return failed(err)
}

// budget returns a context that ends after d, or never when d is 0.
func budget(d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), d)
}

// emit reports a flow's outcome in the chosen format (hook.Report decides
// what blocks) and returns the exit code.
func (o *outputFlags) emit(ctx context.Context, c *cli, out *hook.Outcome, mode report.Mode) int {
	ro := hook.ReportOptions{Context: ctx, Mode: mode, Format: o.format, Output: o.output, ShowSecrets: o.showSecrets, Baseline: o.baseline,
		Version: version, Color: useColor(isTerminal(c.stderr)), Width: termWidth(c.stderr), Stdout: c.stdout, Stderr: c.stderr}
	if mode == report.ModeCommit || mode == report.ModePush {
		ro.Program = program() // only hooks' messages: a LookPath per run
	}
	blocks, err := hook.Report(out, ro)
	if err != nil {
		return c.problem("%v", err)
	}
	if blocks {
		return exitFound
	}
	return exitClean
}

// useColor: colour only on a terminal, and never under NO_COLOR or TERM=dumb.
func useColor(tty bool) bool {
	return tty && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// termWidth is the width the text report wraps at: the terminal's when s
// is one, else COLUMNS, else 80.
func termWidth(s any) int {
	if f, ok := s.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// isTerminal says whether a standard stream is a terminal.
func isTerminal(s any) bool {
	f, ok := s.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readerOptions are the git reader's settings for this run: diagnostics on
// stderr with LEAKHOOK_DEBUG=1, and a core left to git while it streams.
func (c *cli) readerOptions() gitread.Options {
	o := gitread.Options{LeaveCore: cores.LeaveOneToGit}
	if os.Getenv("LEAKHOOK_DEBUG") == "1" {
		o.Debug = c.stderr
	}
	return o
}

// phaseTimer returns a function that, with LEAKHOOK_DEBUG=1, prints how long
// each phase of a run took: the first thing to look at when a hook feels slow.
func (c *cli) phaseTimer() func(string) {
	if os.Getenv("LEAKHOOK_DEBUG") != "1" {
		return func(string) {}
	}
	last := time.Now()
	return func(name string) {
		now := time.Now()
		fmt.Fprintf(c.stderr, "leakhook debug: %-34s %6.2f ms\n", name, float64(now.Sub(last).Microseconds())/1000)
		last = now
	}
}

// defaultTimeout is the time budget hooks run with: LEAKHOOK_TIMEOUT (a Go
// duration such as 30s) when set, since hook scripts pass no flags.
func (c *cli) defaultTimeout() time.Duration {
	if v := os.Getenv("LEAKHOOK_TIMEOUT"); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		fmt.Fprintf(c.stderr, "leakhook: LEAKHOOK_TIMEOUT=%q is not a duration (like 30s or 2m); using 2m\n", v)
	}
	return 2 * time.Minute
}
