package main

import (
	"errors"
	"os"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
)

func init() {
	register(&command{
		name:    "commit-msg",
		args:    "[--format F] [--config FILE] FILE",
		summary: "scan a commit message (git's commit-msg hook passes FILE); exit 1 blocks the commit",
		run:     runCommitMsg,
	})
}

func runCommitMsg(c *cli, args []string) int {
	cmd := commands["commit-msg"]
	fs := c.newFlags(cmd)
	var of outputFlags
	of.register(c, fs)
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		return c.problem("commit-msg takes the message file git passes (got %q)", rest)
	}
	if err := of.check(); err != nil {
		return c.problem("%v", err)
	}
	ctx, cancel := of.withBudget()
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	out, err := hook.CommitMsg(ctx, hook.CommitMsgOptions{Dir: wd, ConfigFile: of.config, File: rest[0], Stderr: c.stderr})
	var cfgErr *hook.ConfigError
	if errors.As(err, &cfgErr) {
		return c.problem("%v", cfgErr.Err)
	}
	if err != nil {
		return c.readFailure(err)
	}
	return of.emit(c, out, report.ModeMessage)
}
