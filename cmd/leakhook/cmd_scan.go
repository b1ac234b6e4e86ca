package main

import (
	"os"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/scan"
)

func init() {
	register(&command{
		name:    "scan",
		args:    "[--format F] [PATH...|-] | --git [RANGE...]",
		summary: "scan files and directories on disk (default .; - reads standard input), or with --git every commit of a range (default HEAD)",
		run:     runScan,
	})
}

func runScan(c *cli, args []string) int {
	cmd := commands["scan"]
	fs := c.newFlags(cmd)
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
	if len(paths) == 0 {
		paths = []string{"."}
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return c.problem("%v", err)
		}
	}
	ctx, cancel := of.withBudget()
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	root := scan.ConfigRoot(paths)
	cfg, err := c.loadConfig(root, of.config)
	if err != nil {
		return c.problem("%v", err)
	}
	res, err := scan.Paths(ctx, cfg.Engine, scan.DisplayBase(wd, paths), paths, c.stdin, cfg.MaxFileSize)
	if err != nil {
		return c.problem("%v", hook.BudgetError(ctx, err, "scanning files"))
	}
	return of.emit(c, &hook.Outcome{Root: root, Config: cfg, Result: res}, report.ModeScan)
}
