package main

import (
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/leakhook/leakhook/hook"
)

func runRules(c *cli, fs *flag.FlagSet, args []string) int {
	config := fs.String("config", "", "configuration file (default: .leakhook.toml in the current directory)")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("rules takes no arguments")
	}
	cfg, err := hook.LoadConfig(".", *config, c.stderr)
	if err != nil {
		return c.problem("%v", err)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 8, 2, ' ', 0)
	for _, r := range cfg.Engine.Rules() {
		fmt.Fprintf(tw, "%s\t%s\n", r.ID, r.Name)
	}
	tw.Flush()
	return exitClean
}
