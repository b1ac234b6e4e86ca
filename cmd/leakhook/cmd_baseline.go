package main

import (
	"flag"
	"os"
	"strings"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/hook"
)

func runBaseline(c *cli, fs *flag.FlagSet, args []string) int {
	history := fs.Bool("history", false, "also record secrets in the history of HEAD (every commit), not only the files at HEAD")
	prune := fs.Bool("prune", false, "drop entries whose secret is no longer found")
	migrate := fs.Bool("migrate", false, "only rewrite v1 entries (fast, unsalted hashes) as v2 (argon2id, salted) for the secrets found; add nothing new")
	file := fs.String("file", "", "baseline file (default: "+baseline.FileName+" at the repository root)")
	reason := fs.String("reason", "", "reason recorded with each new entry (after '#')")
	config := fs.String("config", "", "configuration file (default: .leakhook.toml at the repository root)")
	timeout := fs.Duration("timeout", 0, "time budget (default: none)")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("baseline takes no arguments (got %q)", rest)
	}
	if strings.ContainsAny(*reason, "\n\r") {
		return c.problem("--reason must be one line")
	}
	ctx, cancel := budget(*timeout)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	err = hook.Baseline(ctx, hook.BaselineOptions{Dir: wd, ConfigFile: *config, History: *history, File: *file, Reason: *reason,
		Prune: *prune, Migrate: *migrate, Reader: c.readerOptions(), Stderr: c.stderr})
	if err != nil {
		return c.problem("%v", err)
	}
	return exitClean
}
