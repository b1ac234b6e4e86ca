package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
)

func runScan(c *cli, fs *flag.FlagSet, args []string) int {
	var of outputFlags
	of.registerUnbounded(fs)
	git := fs.Bool("git", false, "scan git history: each commit's own change in RANGE (e.g. origin/main..HEAD; default: all of HEAD's history)")
	paths, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if err := of.check(); err != nil {
		return c.problem("%v", err)
	}
	if *git {
		return scanGit(c, &of, paths)
	}
	ctx, cancel := budget(of.timeout)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	out, err := hook.Scan(ctx, hook.ScanOptions{Dir: wd, Paths: paths, ConfigFile: of.config, Stdin: c.stdin, Stderr: c.stderr})
	if err != nil {
		return c.problem("%v", err)
	}
	return of.emit(ctx, c, out, report.ModeScan)
}

// progressMin is the range length from which scan --git shows progress.
const progressMin = 500

// scanGit is `leakhook scan --git [RANGE...]`: every commit's own change,
// for CI. Findings name their commit; output formats are scan's.
func scanGit(c *cli, of *outputFlags, revs []string) int {
	for _, r := range revs {
		if strings.HasPrefix(r, "-") || strings.ContainsAny(r, "\n\x00") {
			return c.problem("scan --git: %q is not a revision or range", r)
		}
	}
	ctx, cancel := budget(of.timeout)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	o := hook.HistoryOptions{Dir: wd, ConfigFile: of.config, Revs: revs, Reader: c.readerOptions(), Stderr: c.stderr}
	var bar *progress
	if isTerminal(c.stderr) {
		o.Progress = func(n int) func(int) {
			if n < progressMin {
				return nil
			}
			bar = &progress{w: c.stderr, total: n}
			return bar.update
		}
	}
	out, err := hook.History(ctx, o)
	bar.done()
	if err != nil {
		return c.problem("%v", err)
	}
	return of.emit(ctx, c, out, report.ModeScan)
}

// progress draws a one-line progress bar on stderr (a terminal).
type progress struct {
	w            io.Writer
	total, shown int
}

func (p *progress) update(n int) {
	pct := n * 100 / p.total
	if pct > 100 {
		pct = 100
	}
	if pct == p.shown && n != 1 {
		return
	}
	p.shown = pct
	fill := pct / 5
	fmt.Fprintf(p.w, "\rleakhook: scanning history [%s%s] %3d%% (%d/%d commits)", strings.Repeat("#", fill), strings.Repeat(".", 20-fill), pct, n, p.total)
}

func (p *progress) done() {
	if p != nil {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 79))
	}
}
