package main

import (
	"fmt"
	"os"
	"text/tabwriter"
)

func init() {
	register(&command{name: "rules", args: "[--config FILE]", summary: "list the rules in effect, one per line: ID  NAME", run: runRules})
}

func runRules(args []string) int {
	c := commands["rules"]
	fs := newFlags(c)
	config := fs.String("config", "", "configuration file (default: .leakhook.toml in the current directory)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return problem("rules takes no arguments")
	}
	cfg, err := loadConfig(".", *config)
	if err != nil {
		return problem("%v", err)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 2, ' ', 0)
	for _, r := range cfg.Engine.Rules() {
		fmt.Fprintf(tw, "%s\t%s\n", r.ID, r.Name)
	}
	tw.Flush()
	return exitClean
}
