package main

import (
	"flag"
	"os"

	"github.com/leakhook/leakhook/hook"
)

func runFix(c *cli, fs *flag.FlagSet, args []string) int {
	yes := fs.Bool("yes", false, "apply the fix to the index, the working tree and the env file (default: show it)")
	vaultFlag := fs.String("vault", "", "keep the values in aws, hashicorp or conjur instead of the env file (default: [remediation] vault, else env)")
	var of outputFlags
	of.register(c, fs)
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if of.format != "text" || of.output != "" {
		return c.problem("fix writes text to the terminal; --format and --output are not supported")
	}
	ctx, cancel := budget(of.timeout)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	left, err := hook.Fix(ctx, hook.FixOptions{Dir: wd, ConfigFile: of.config, Baseline: of.baseline, Vault: *vaultFlag, Paths: rest,
		Backend: os.Getenv("LEAKHOOK_BACKEND"), Yes: *yes, ShowSecrets: of.showSecrets, Reader: c.readerOptions(), Stdout: c.stdout, Stderr: c.stderr})
	if err != nil {
		return c.problem("%v", err)
	}
	if left {
		return exitFound
	}
	return exitClean
}
