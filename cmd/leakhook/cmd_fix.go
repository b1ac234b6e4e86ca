package main

import (
	"fmt"
	"os"

	"github.com/leakhook/leakhook/fix"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/triage"
)

func init() {
	register(&command{
		name:    "fix",
		args:    "[--yes] [--vault aws|hashicorp|conjur] [PATH...]",
		summary: "move staged secrets into .env (or a vault) and read them from the environment; dry run unless --yes",
		run:     runFix,
	})
}

func runFix(c *cli, args []string) int {
	cmd := commands["fix"]
	fs := c.newFlags(cmd)
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
	ctx, cancel := of.withBudget()
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	repo, err := gitread.Open(ctx, wd)
	if err != nil {
		return c.problem("%v", err)
	}
	if repo.Bare {
		return c.problem("%s is a bare repository: there is nothing staged to fix", repo.GitDir)
	}
	repo.Options = c.readerOptions()
	backend, err := gitread.ParseBackend(os.Getenv("LEAKHOOK_BACKEND"))
	if err != nil {
		return c.problem("%v", err)
	}
	cfg, err := c.loadConfig(repo.Root, of.config)
	if err != nil {
		return c.problem("%v", err)
	}
	vault := *vaultFlag
	if vault == "" {
		vault = cfg.Remediation.Vault
	}
	if _, ok := remedy.ParseVault(vault, false); !ok {
		return c.problem("unknown vault %q: use env, aws, hashicorp or conjur", vault)
	}
	scope, err := fix.Scope(repo.Root, wd, rest)
	if err != nil {
		return c.problem("%v", err)
	}
	o := fix.Options{Repo: repo, Config: cfg, Vault: vault, Paths: scope, Backend: backend,
		Triage: triage.New(cfg, repo.Root, of.baseline).WithRootCommit(func() string { return gitread.RootCommit(repo.Root) })}
	plan, err := fix.NewPlan(ctx, o)
	if err != nil {
		return c.problem("%v", hook.BudgetError(ctx, err, "reading the staged changes"))
	}
	out := c.stdout
	if plan.Empty() {
		fmt.Fprintln(out, "leakhook fix: no secrets in the staged change; nothing to do")
		return exitClean
	}
	if *yes {
		fmt.Fprintf(out, "leakhook fix: %s in the staged change; applying:\n\n", plural(len(plan.Findings), "secret"))
	} else {
		fmt.Fprintf(out, "leakhook fix: %s in the staged change; dry run, nothing is changed (run leakhook fix --yes to apply):\n\n", plural(len(plan.Findings), "secret"))
	}
	plan.Print(out, of.showSecrets)
	if !*yes {
		fmt.Fprintf(out, "\n%d of %d would be fixed automatically. Nothing was changed.\n", len(plan.Fixed), len(plan.Findings))
		return exitFound
	}
	if err := plan.Apply(ctx); err != nil {
		return c.problem("%v", err)
	}
	// Re-scan the whole staged change, not only PATH: what blocks the commit.
	all := o
	all.Paths = nil
	left, err := fix.Findings(ctx, all)
	if err != nil {
		return c.problem("re-scanning the staged change: %v", err)
	}
	fmt.Fprintf(out, "\nfixed: %d of %d; the staged change now has %s.\n", len(plan.Fixed), len(plan.Findings), plural(len(left), "secret"))
	for _, f := range left {
		fmt.Fprintf(out, "  still staged: %s:%d:%d  %s  %s\n", f.Path, f.Line, f.Column, f.RuleID, rules.Mask(f.Secret))
	}
	fix.PrintRotate(out, cfg.Engine, plan.Findings)
	if len(left) > 0 {
		return exitFound
	}
	return exitClean
}
