package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
)

func runPrePush(c *cli, fs *flag.FlagSet, args []string) int {
	var of outputFlags
	of.register(c, fs)
	noReceipts := fs.Bool("no-receipts", false, "scan every commit, even those pre-commit already scanned clean")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 2 {
		return c.problem("pre-push takes at most REMOTE and URL (got %q)", rest)
	}
	if err := of.check(); err != nil {
		return c.problem("%v", err)
	}
	remote := os.Getenv("PRE_COMMIT_REMOTE_NAME")
	if len(rest) > 0 {
		remote = rest[0]
	}
	ctx, cancel := budget(of.timeout)
	defer cancel()

	in := hook.PushInput{
		FromRef:      os.Getenv("PRE_COMMIT_FROM_REF"),
		ToRef:        os.Getenv("PRE_COMMIT_TO_REF"),
		LocalBranch:  os.Getenv("PRE_COMMIT_LOCAL_BRANCH"),
		RemoteBranch: os.Getenv("PRE_COMMIT_REMOTE_BRANCH"),
	}
	if !isTerminal(c.stdin) {
		in.Stdin = c.stdin
	}
	updates, partial, err := hook.PushUpdates(ctx, in)
	if err != nil {
		return c.pushFailure(err)
	}
	if partial && len(updates) == 0 && frameworkStage() == "commit" {
		return exitClean // the framework's commit stage: the leakhook hook scans the commit
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	out, err := hook.PrePush(ctx, hook.PrePushOptions{
		Dir:        wd,
		ConfigFile: of.config,
		Remote:     remote,
		Updates:    updates,
		Partial:    partial,
		NoReceipts: *noReceipts,
		LazyGC:     os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "",
		Reader:     c.readerOptions(),
		Stderr:     c.stderr,
	})
	if err != nil {
		return c.flowError(err, c.pushFailure)
	}
	return of.emit(ctx, c, out, report.ModePush)
}

// pushFailure blocks when the push could not be read or scanned.
func (c *cli) pushFailure(err error) int {
	fmt.Fprintf(c.stderr, `leakhook: could not scan what is being pushed: %v
The push was not checked, so leakhook blocked it. Fix the problem above and try again;
to bypass the hook once, knowing nothing was checked: git push --no-verify
`, err)
	return exitProblem
}
