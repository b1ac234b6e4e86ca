package hook

import (
	"context"
	"fmt"
	"io"

	"github.com/leakhook/leakhook/fix"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/triage"
)

// FixOptions say what `leakhook fix` moves out of the staged change.
type FixOptions struct {
	Dir         string   // working directory
	ConfigFile  string   // --config; "" is .leakhook.toml at the repository root
	Baseline    string   // --baseline: "" finds it at the root, triage.None ignores it
	Vault       string   // --vault; "" is [remediation] vault, else env
	Paths       []string // PATH arguments, relative to Dir; none is every staged file
	Backend     string   // staged-change reader, as LEAKHOOK_BACKEND
	Yes         bool     // apply the fix (else a dry run that changes nothing)
	ShowSecrets bool
	Reader      gitread.Options // the git reader's settings
	Stdout      io.Writer       // the plan and what was done
	Stderr      io.Writer       // configuration warnings
}

// Fix moves what would block the commit out of the staged change, into the
// env file or a vault, and prints what it did (a dry run: what it would do).
// It says whether secrets remain staged (a dry run: whether any were found).
func Fix(ctx context.Context, o FixOptions) (left bool, err error) {
	repo, err := gitread.Open(ctx, o.Dir)
	if err != nil {
		return false, err
	}
	if repo.Bare {
		return false, fmt.Errorf("%s is a bare repository: there is nothing staged to fix", repo.GitDir)
	}
	repo.Options = o.Reader
	backend, err := gitread.ParseBackend(o.Backend)
	if err != nil {
		return false, err
	}
	cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
	if err != nil {
		return false, err
	}
	vault := o.Vault
	if vault == "" {
		vault = cfg.Remediation.Vault
	}
	if _, ok := remedy.ParseVault(vault, false); !ok {
		return false, fmt.Errorf("unknown vault %q: use env, aws, hashicorp or conjur", vault)
	}
	scope, err := fix.Scope(repo.Root, o.Dir, o.Paths)
	if err != nil {
		return false, err
	}
	fo := fix.Options{Repo: repo, Config: cfg, Vault: vault, Paths: scope, Backend: backend,
		Triage: triage.New(cfg, repo.Root, o.Baseline).WithRootCommit(func() string { return gitread.RootCommit(repo.Root) })}
	plan, err := fix.NewPlan(ctx, fo)
	if err != nil {
		return false, BudgetError(ctx, err, "reading the staged changes")
	}
	out := o.Stdout
	if plan.Empty() {
		fmt.Fprintln(out, "leakhook fix: no secrets in the staged change; nothing to do")
		return false, nil
	}
	if o.Yes {
		fmt.Fprintf(out, "leakhook fix: %s in the staged change; applying:\n\n", plural(len(plan.Findings), "secret"))
	} else {
		fmt.Fprintf(out, "leakhook fix: %s in the staged change; dry run, nothing is changed (run leakhook fix --yes to apply):\n\n", plural(len(plan.Findings), "secret"))
	}
	plan.Print(out, o.ShowSecrets)
	if !o.Yes {
		fmt.Fprintf(out, "\n%d of %d would be fixed automatically. Nothing was changed.\n", len(plan.Fixed), len(plan.Findings))
		return true, nil
	}
	if err := plan.Apply(ctx); err != nil {
		return false, err
	}
	// Re-scan the whole staged change, not only PATH: what blocks the commit.
	fo.Paths = nil
	still, err := fix.Findings(ctx, fo)
	if err != nil {
		return false, fmt.Errorf("re-scanning the staged change: %v", err)
	}
	fmt.Fprintf(out, "\nfixed: %d of %d; the staged change now has %s.\n", len(plan.Fixed), len(plan.Findings), plural(len(still), "secret"))
	for _, f := range still {
		fmt.Fprintf(out, "  still staged: %s:%d:%d  %s  %s\n", f.Path, f.Line, f.Column, f.RuleID, rules.Mask(f.Secret))
	}
	fix.PrintRotate(out, cfg.Engine, plan.Findings)
	return len(still) > 0, nil
}
