package main

import (
	"flag"
	"os"

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
	return of.emit(c, out, report.ModeScan)
}
