package hook

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/triage"
)

// ReportOptions say how a flow's outcome is reported.
type ReportOptions struct {
	Context     context.Context // the flow's time budget; nil: none
	Mode        report.Mode
	Format      string // text, json or sarif
	Output      string // write the report to this file instead of Stdout/Stderr
	ShowSecrets bool
	Baseline    string // --baseline: "" finds it at the root, triage.None ignores it
	Version     string // leakhook's version, for SARIF
	Program     string // how advice names leakhook in commands ("": leakhook)
	// Color and Width apply to text written to Stderr (not to a file).
	Color          bool
	Width          int
	Stdout, Stderr io.Writer
}

// Report decides what blocks (triage: .gitleaksignore, an allowlist's
// commits, the baseline) and writes the report: text on Stderr (it is a
// hook's message), JSON and SARIF on Stdout, or either to Output. It says
// whether a finding blocks.
func Report(out *Outcome, o ReportOptions) (blocks bool, err error) {
	cfg, root, res := out.Config, out.Root, out.Result
	ro := report.Options{
		Mode:        o.Mode,
		ShowSecrets: o.ShowSecrets,
		Version:     o.Version,
		History:     out.History,
		Remediation: remedy.Options{
			Vault:      cfg.Remediation.Vault,
			SecretPath: cfg.Remediation.SecretPath,
			EnvFile:    cfg.Remediation.EnvFile,
			Repo:       filepath.Base(root),
			Program:    o.Program,
		},
	}
	t := triage.New(cfg, root, o.Baseline)
	if out.BaselineAtBase && o.Baseline == "" {
		t = triage.WithBaseline(cfg, out.Baseline)
	}
	if o.Context != nil {
		t = t.WithContext(o.Context)
	}
	if o.Format == "text" {
		t = t.ForText()
	}
	v, err := t.WithRootCommit(func() string { return gitread.RootCommit(root) }).ApplyResult(res)
	if err != nil {
		if o.Context != nil {
			err = BudgetError(o.Context, err, "fingerprinting the findings")
		}
		return false, err
	}
	res.Findings, ro.Suppressed, ro.Note = v.Blocking, v.Suppressed, v.Note
	if v.KnownV1 > 0 {
		fmt.Fprintf(o.Stderr, "leakhook: warning: %s matched by old v1 baseline entries (fast, unsalted hashes of the value); run leakhook baseline --migrate and commit the baseline\n", plural(v.KnownV1, "known secret"))
	}
	ro.MarkersRefused = out.MarkersRefused
	w := o.Stdout
	if o.Format == "text" {
		w = o.Stderr
	}
	if o.Output != "" {
		f, err := os.Create(o.Output)
		if err != nil {
			return false, err
		}
		defer f.Close()
		w = f
	} else if o.Format == "text" {
		ro.Color, ro.Width = o.Color, o.Width
	}
	if err := report.Write(w, o.Stderr, o.Format, res.Findings, res.Skipped, cfg.Engine, ro); err != nil {
		return false, fmt.Errorf("writing report: %w", err)
	}
	return v.Blocks(), nil
}

// plural spells a count: "1 secret", "3 secrets".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
