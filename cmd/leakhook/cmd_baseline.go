package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/triage"
)

func init() {
	register(&command{
		name:    "baseline",
		args:    "[--history] [--prune] [--migrate] [--file F] [--reason TEXT]",
		summary: "record the secrets already in the repository so they stop blocking (new ones still do)",
		run:     runBaseline,
	})
}

func runBaseline(c *cli, args []string) int {
	cmd := commands["baseline"]
	fs := c.newFlags(cmd)
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
	known, err := hook.Baseline(ctx, hook.BaselineOptions{Dir: wd, ConfigFile: *config, History: *history, Reader: c.readerOptions(), Stderr: c.stderr})
	if err != nil {
		return c.problem("%v", err)
	}
	repo, cfg, findings, skipped := known.Repo, known.Config, known.Result.Findings, known.Result.Skipped
	path := *file
	if path == "" {
		path = filepath.Join(repo.Root, baseline.FileName)
	}
	for _, s := range skipped {
		where := s.Path
		if s.Commit != nil {
			where += " (commit " + s.Commit.ID[:min(10, len(s.Commit.ID))] + ")"
		}
		fmt.Fprintf(c.stderr, "leakhook: not scanned: %s: %s\n", where, s.Reason)
	}
	old, err := baseline.Load(path)
	if err != nil {
		return c.problem("%v", err)
	}
	// The salt of v2 fingerprints: the baseline's own, else the one
	// derived from the root commit (which reports used until now).
	salt := baseline.DeriveSalt(gitread.RootCommit(repo.Root))
	if old != nil && old.Salt != nil {
		salt = old.Salt
	}
	// What .gitleaksignore or an allowlist's commits suppress is not
	// recorded; the baseline itself is what is being written.
	v, err := triage.New(cfg, "", triage.None).WithSalt(salt).Apply(findings)
	if err != nil {
		return c.problem("%v", err)
	}
	findings = v.Blocking
	if *migrate {
		known := findings[:0]
		for i := range findings {
			if old.Lookup(&findings[i]) != nil {
				known = append(known, findings[i])
			}
		}
		findings = known
	}

	nb, st := baseline.Update(old, path, salt, findings, *reason, *prune)
	added := map[string]bool{}
	for i := range findings {
		f := &findings[i]
		if old.Lookup(f) != nil || added[f.RuleID+f.StoredFingerprint] {
			continue
		}
		added[f.RuleID+f.StoredFingerprint] = true
		where := fmt.Sprintf("%s:%d", f.Path, f.Line)
		if f.Commit != "" {
			where += " in commit " + f.Commit[:min(10, len(f.Commit))]
		}
		fmt.Fprintf(c.stderr, "  + %s %s  (%s)\n", f.RuleID, f.StoredFingerprint, where)
	}
	if err := nb.Write(); err != nil {
		return c.problem("writing the baseline: %v", err)
	}
	if *file == "" {
		wrote, err := baseline.EnsureUnionMerge(repo.Root)
		if err != nil {
			return c.problem("updating .gitattributes: %v", err)
		}
		if wrote {
			fmt.Fprintf(c.stderr, "leakhook: added %q to .gitattributes so branches that both add entries merge without conflicts\n", baseline.FileName+" merge=union")
		}
	}
	rel := path
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		rel = r
	}
	fmt.Fprintf(c.stderr, "leakhook: %s: %s (%d added, %d kept, %d pruned).\n", rel, plural(nb.Len(), "known secret"), st.Added, st.Kept, st.Pruned)
	if st.Migrated > 0 {
		fmt.Fprintf(c.stderr, "leakhook: %s rewritten from v1 (fast, unsalted) to v2 fingerprints (argon2id, salted).\n", countEntries(st.Migrated))
	}
	if n := nb.V1Entries(); n > 0 {
		more := "add --history to find them in older commits, or --prune to drop them"
		if *history {
			more = "their secrets are no longer found; --prune drops them"
		}
		fmt.Fprintf(c.stderr, "leakhook: warning: %s still v1 (fast, unsalted hashes of the value): %s.\n", countEntries(n), more)
	}
	if st.Added > 0 {
		fmt.Fprintf(c.stderr, "These stop blocking; every new secret still blocks. Rotate them when you can. Commit the file: git add %s\n", rel)
	}
	if !*history {
		fmt.Fprintln(c.stderr, "Only the files at HEAD were read; add --history to record secrets in older commits (for pre-push and history scans).")
	}
	return exitClean
}

// countEntries spells a number of baseline entries.
func countEntries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
