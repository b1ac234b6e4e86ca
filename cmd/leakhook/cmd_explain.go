package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
)

func init() {
	register(&command{
		name:    "explain",
		args:    "RULE [--lang L] [--vault env|aws|hashicorp|conjur|all]",
		summary: "how to move a secret type into env or a vault, rotate it and check for misuse (offline)",
		run:     runExplain,
	})
}

func runExplain(c *cli, args []string) int {
	cmd := commands["explain"]
	fs := c.newFlags(cmd)
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
	lang, ok := explainLang(*langFlag)
	if !ok {
		return c.problem("unknown language %q: use py, js, ts, go, java, kotlin, rb, php, cs, sh, rust, yaml, env, docker, tf, toml, json, properties, ini or xml", *langFlag)
	}
	vault, ok := remedy.ParseVault(*vaultFlag, true)
	if !ok {
		return c.problem("unknown vault %q: use env, aws, hashicorp, conjur or all", *vaultFlag)
	}
	cfg, err := c.loadConfig(".", *config)
	if err != nil {
		return c.problem("%v", err)
	}
	r := findRule(cfg, rest[0])
	if r == nil {
		msg := fmt.Sprintf("unknown rule %q: 'leakhook rules' lists the rule ids", rest[0])
		if near := nearRules(cfg, rest[0]); len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, ", ") + "?"
		}
		return c.problem("%s", msg)
	}
	s := remedy.Secret{RuleID: r.ID, Name: r.Name, Description: r.Description, EnvVar: r.EnvName(),
		RotateURL: r.RotateURL, RotateSteps: r.RotateSteps}
	wd, _ := os.Getwd()
	o := remedy.Options{SecretPath: cfg.Remediation.SecretPath, EnvFile: cfg.Remediation.EnvFile, Repo: filepath.Base(wd)}
	if err := remedy.ExplainWith(c.stdout, s, lang, vault, o); err != nil {
		return c.problem("%v", err)
	}
	return exitClean
}

// explainLang accepts a language name or a file name ("app/mail.py").
func explainLang(s string) (remedy.Lang, bool) {
	if s == "" {
		return "", true
	}
	if l, ok := remedy.ParseLang(s); ok {
		return l, true
	}
	if strings.ContainsAny(s, "./") {
		if l := remedy.LangOf(s); l != remedy.Unknown {
			return l, true
		}
	}
	return "", false
}

// findRule looks the id up in the rules in effect (the repository's own
// included), then in the built-in set, so a disabled rule can be explained.
func findRule(cfg *rules.Config, id string) *rules.Rule {
	if r := cfg.Engine.Rule(id); r != nil {
		return r
	}
	all, _, err := rules.Builtin()
	if err != nil {
		return nil
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i]
		}
	}
	return nil
}

// nearRules suggests rule ids that contain, or are contained in, what was typed.
func nearRules(cfg *rules.Config, id string) []string {
	id = strings.ToLower(id)
	var out []string
	for _, r := range cfg.Engine.Rules() {
		if id != "" && (strings.Contains(r.ID, id) || strings.Contains(id, r.ID)) {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}
