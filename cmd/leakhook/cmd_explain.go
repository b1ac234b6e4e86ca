package main

import (
	"flag"
	"os"
	"path/filepath"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/report"
)

func runExplain(c *cli, fs *flag.FlagSet, args []string) int {
	langFlag := fs.String("lang", "", "language of the code to show: py, js, ts, go, java, rb, php, cs, sh, yaml, env, docker, tf (or a file name); default all")
	vaultFlag := fs.String("vault", "all", "backend to show: env, aws, hashicorp, conjur or all")
	config := fs.String("config", "", "configuration file (default: .leakhook.toml in the current directory)")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		return c.problem("explain takes one rule id, e.g. leakhook explain mailgun-api-key ('leakhook rules' lists them)")
	}
	lang, ok := remedy.LangOrFile(*langFlag)
	if !ok {
		return c.problem("unknown language %q: use py, js, ts, go, java, kotlin, rb, php, cs, sh, rust, yaml, env, docker, tf, toml, json, properties, ini or xml", *langFlag)
	}
	vault, ok := remedy.ParseVault(*vaultFlag, true)
	if !ok {
		return c.problem("unknown vault %q: use env, aws, hashicorp, conjur or all", *vaultFlag)
	}
	cfg, err := hook.LoadConfig(".", *config, c.stderr)
	if err != nil {
		return c.problem("%v", err)
	}
	wd, _ := os.Getwd()
	if err := report.Explain(c.stdout, cfg, rest[0], lang, vault, filepath.Base(wd)); err != nil {
		return c.problem("%v", err)
	}
	return exitClean
}
