package main

import (
	"flag"
	"os"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
)

func runCommitMsg(c *cli, fs *flag.FlagSet, args []string) int {
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
	ctx, cancel := budget(of.timeout)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	out, err := hook.CommitMsg(ctx, hook.CommitMsgOptions{Dir: wd, ConfigFile: of.config, File: rest[0], Stderr: c.stderr})
	if err != nil {
		return c.flowError(err, c.readFailure)
	}
	return of.emit(ctx, c, out, report.ModeMessage)
}
