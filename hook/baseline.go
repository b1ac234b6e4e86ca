package hook

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/scan"
	"github.com/leakhook/leakhook/triage"
)

// BaselineOptions say what `leakhook baseline` records.
type BaselineOptions struct {
	Dir        string          // working directory
	ConfigFile string          // --config; "" is .leakhook.toml at the repository root
	History    bool            // also every commit of HEAD's history, not only the files at HEAD
	File       string          // the baseline file; "" is baseline.FileName at the repository root
	Reason     string          // recorded with each new entry (one line)
	Prune      bool            // drop entries whose secret is no longer found
	Migrate    bool            // only rewrite v1 entries as v2 for the secrets found; add nothing
	Reader     gitread.Options // the git reader's settings
	Stderr     io.Writer       // what was recorded, and configuration warnings
}

// Baseline records the secrets already in the repository (the files at
// HEAD and, with History, every commit of HEAD's history) in the baseline
// file, so they stop blocking, and says on Stderr what it did.
func Baseline(ctx context.Context, o BaselineOptions) error {
	known, err := baselineFindings(ctx, o)
	if err != nil {
		return err
	}
	repo, cfg, findings, skipped := known.Repo, known.Config, known.Result.Findings, known.Result.Skipped
	stderr := o.Stderr
	path := o.File
	if path == "" {
		path = filepath.Join(repo.Root, baseline.FileName)
	}
	for _, s := range skipped {
		where := s.Path
		if s.Commit != nil {
			where += " (commit " + s.Commit.ID[:min(10, len(s.Commit.ID))] + ")"
		}
		fmt.Fprintf(stderr, "leakhook: not scanned: %s: %s\n", where, s.Reason)
	}
	old, err := baseline.Load(path)
	if err != nil {
		return err
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
		return err
	}
	findings = v.Blocking
	if o.Migrate {
		known := findings[:0]
		for i := range findings {
			if old.Lookup(&findings[i]) != nil {
				known = append(known, findings[i])
			}
		}
		findings = known
	}

	nb, st := baseline.Update(old, path, salt, findings, o.Reason, o.Prune)
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
		fmt.Fprintf(stderr, "  + %s %s  (%s)\n", f.RuleID, f.StoredFingerprint, where)
	}
	if err := nb.Write(); err != nil {
		return fmt.Errorf("writing the baseline: %v", err)
	}
	if o.File == "" {
		wrote, err := baseline.EnsureUnionMerge(repo.Root)
		if err != nil {
			return fmt.Errorf("updating .gitattributes: %v", err)
		}
		if wrote {
			fmt.Fprintf(stderr, "leakhook: added %q to .gitattributes so branches that both add entries merge without conflicts\n", baseline.FileName+" merge=union")
		}
	}
	rel := path
	if r, err := filepath.Rel(o.Dir, path); err == nil && !strings.HasPrefix(r, "..") {
		rel = r
	}
	fmt.Fprintf(stderr, "leakhook: %s: %s (%d added, %d kept, %d pruned).\n", rel, plural(nb.Len(), "known secret"), st.Added, st.Kept, st.Pruned)
	if st.Migrated > 0 {
		fmt.Fprintf(stderr, "leakhook: %s rewritten from v1 (fast, unsalted) to v2 fingerprints (argon2id, salted).\n", countEntries(st.Migrated))
	}
	if n := nb.V1Entries(); n > 0 {
		more := "add --history to find them in older commits, or --prune to drop them"
		if o.History {
			more = "their secrets are no longer found; --prune drops them"
		}
		fmt.Fprintf(stderr, "leakhook: warning: %s still v1 (fast, unsalted hashes of the value): %s.\n", countEntries(n), more)
	}
	if st.Added > 0 {
		fmt.Fprintf(stderr, "These stop blocking; every new secret still blocks. Rotate them when you can. Commit the file: git add %s\n", rel)
	}
	if !o.History {
		fmt.Fprintln(stderr, "Only the files at HEAD were read; add --history to record secrets in older commits (for pre-push and history scans).")
	}
	return nil
}

// countEntries spells a number of baseline entries.
func countEntries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// baselineFindings finds the secrets a baseline may record: those in the
// files at HEAD and, with History, in every commit of HEAD's history.
// Baseline triages them (under the baseline's salt) before recording.
func baselineFindings(ctx context.Context, o BaselineOptions) (*Outcome, error) {
	repo, err := gitread.Open(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	if repo.Bare {
		return nil, fmt.Errorf("%s is a bare repository: run leakhook baseline in a working tree", repo.GitDir)
	}
	repo.Options = o.Reader
	cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	head, err := gitread.HeadFiles(ctx, repo, cfg.MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("reading the files at HEAD: %w", BudgetError(ctx, err, "reading HEAD"))
	}
	res, err := scan.Items(ctx, cfg.Engine, head.Items)
	if err != nil {
		return nil, BudgetError(ctx, err, "scanning HEAD")
	}
	res.Skipped = head.Skipped
	if o.History && len(head.Items) > 0 {
		hres, err := ScanHistory(ctx, repo, cfg, gitread.HistoryQuery{Revs: []string{"HEAD"}})
		if err != nil {
			return nil, fmt.Errorf("scanning history: %w", BudgetError(ctx, err, "scanning history"))
		}
		res.Findings = append(res.Findings, hres.Findings...)
		res.Suppressed = append(res.Suppressed, hres.Suppressed...)
		res.Skipped = append(res.Skipped, hres.Skipped...)
	}
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res}, nil
}
