package main

import (
	"fmt"
	"text/tabwriter"
)

func init() {
	register(&command{name: "rules", args: "[--config FILE]", summary: "list the rules in effect, one per line: ID  NAME", run: runRules})
}

func runRules(c *cli, args []string) int {
	cmd := commands["rules"]
	fs := c.newFlags(cmd)
	config := fs.String("config", "", "configuration file (default: .leakhook.toml in the current directory)")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("rules takes no arguments")
	}
	cfg, err := c.loadConfig(".", *config)
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
