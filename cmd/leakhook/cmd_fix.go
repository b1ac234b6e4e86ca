package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	scope, err := repoPaths(repo.Root, wd, rest)
	if err != nil {
		return c.problem("%v", err)
	}
	o := fix.Options{Repo: repo, Config: cfg, Vault: vault, Paths: scope, Backend: backend,
		Triage: triage.New(cfg, repo.Root, of.baseline)}
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
	rotateReminder(out, cfg, plan.Findings)
	if len(left) > 0 {
		return exitFound
	}
	return exitClean
}

// rotateReminder: moving a value out of the code does not un-leak it.
func rotateReminder(out io.Writer, cfg *rules.Config, found []rules.Finding) {
	fmt.Fprintln(out, "\nrotate: these values were on disk and may be elsewhere (editor backups, shell history, CI logs, other clones):\nrevoke and replace each one, then update the env file or vault:")
	seen := map[string]bool{}
	var ids []string
	for _, f := range found {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			ids = append(ids, f.RuleID)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		where := "leakhook explain " + id
		if r := cfg.Engine.Rule(id); r != nil && r.RotateURL != "" {
			where = r.RotateURL + "  (leakhook explain " + id + ")"
		}
		fmt.Fprintf(out, "  %s: %s\n", id, where)
	}
}

// repoPaths turns PATH arguments (relative to the current directory) into
// repository-relative slash paths.
func repoPaths(root, wd string, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			// Symlinked checkouts: compare resolved paths.
			rr, _ := filepath.EvalSymlinks(root)
			rp, _ := filepath.EvalSymlinks(filepath.Dir(p))
			if rel2, err2 := filepath.Rel(rr, filepath.Join(rp, filepath.Base(p))); err2 == nil && !strings.HasPrefix(rel2, "..") {
				rel = rel2
			} else {
				return nil, fmt.Errorf("%s is outside the repository %s", a, root)
			}
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}
