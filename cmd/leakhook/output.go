package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
	"github.com/leakhook/leakhook/triage"
)

// outputFlags are shared by every command that reports findings.
type outputFlags struct {
	format      string
	output      string
	showSecrets bool
	config      string
	timeout     time.Duration
	history     []scan.Commit // commits with findings, for the history advice
	baseline    string        // --baseline: "" finds it at the root, "none" ignores it
	// Set by a flow that triaged already (pre-receive): baselined findings
	// it left out, and whether inline allow comments are refused.
	known          int
	markersRefused bool
	// Set by pre-push: the baseline as committed on the remote, used
	// instead of the working tree's unless --baseline names one.
	base      *baseline.Baseline
	baseFixed bool
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

// loadConfig loads rules for root and prints configuration warnings.
func (c *cli) loadConfig(root, path string) (*rules.Config, error) {
	return hook.LoadConfig(root, path, c.stderr)
}

// withBudget returns a context that ends after the time budget (none when
// the budget is 0).
func (o *outputFlags) withBudget() (context.Context, context.CancelFunc) {
	return budget(o.timeout)
}

// budget returns a context that ends after d, or never when d is 0.
func budget(d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), d)
}

// emit writes the result in the chosen format and returns the exit code.
// Text goes to stderr (it is a hook's message); JSON and SARIF to stdout.
func (o *outputFlags) emit(c *cli, res *scan.Result, cfg *rules.Config, mode report.Mode, root string) int {
	ro := report.Options{
		Mode:        mode,
		ShowSecrets: o.showSecrets,
		Version:     version,
		History:     o.history,
		Remediation: remedy.Options{
			Vault:      cfg.Remediation.Vault,
			SecretPath: cfg.Remediation.SecretPath,
			EnvFile:    cfg.Remediation.EnvFile,
			Repo:       filepath.Base(root),
		},
	}
	if mode == report.ModeCommit || mode == report.ModePush {
		ro.Remediation.Program = program() // only hooks' messages: a LookPath per run
	}
	t := triage.New(cfg, root, o.baseline)
	if o.baseFixed && o.baseline == "" {
		t = triage.WithBaseline(cfg, o.base)
	}
	v, err := t.WithRootCommit(func() string { return gitread.RootCommit(root) }).Apply(res.Findings)
	if err != nil {
		return c.problem("%v", err)
	}
	res.Findings, ro.Known, ro.Note = v.Blocking, v.Known, v.Note
	if v.KnownV1 > 0 {
		fmt.Fprintf(c.stderr, "leakhook: warning: %s matched by old v1 baseline entries (fast, unsalted hashes of the value); run leakhook baseline --migrate and commit the baseline\n", plural(v.KnownV1, "known secret"))
	}
	ro.Known += o.known
	ro.MarkersRefused = o.markersRefused
	w := c.stdout
	if o.format == "text" {
		w = c.stderr
	}
	if o.output != "" {
		f, err := os.Create(o.output)
		if err != nil {
			return c.problem("%v", err)
		}
		defer f.Close()
		w = f
	} else if o.format == "text" {
		ro.Color = useColor(isTerminal(c.stderr))
		ro.Width = termWidth(c.stderr)
	}
	if err := report.Write(w, c.stderr, o.format, res.Findings, res.Skipped, cfg.Engine, ro); err != nil {
		return c.problem("writing report: %v", err)
	}
	if v.Blocks() {
		return exitFound
	}
	return exitClean
}

// isTerminal says whether a standard stream is a terminal.
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

func isTerminal(s any) bool {
	f, ok := s.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
