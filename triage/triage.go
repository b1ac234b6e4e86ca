// Package triage decides which findings block. It is the one step between
// the scanner and every report, for every command (pre-commit, pre-push,
// scan, fix and baseline):
//
//   - inline allow markers and the rules' allowlists (paths, regexes,
//     stopwords) are decided while matching, by the engine in package rules,
//     since they need the match's line and context;
//   - after scanning, triage drops findings a .gitleaksignore entry or an
//     allowlist's commits suppress (the engine scans content without knowing
//     its commit), then findings the baseline knows; a baselined finding
//     whose entry has expired blocks again, labelled as such.
//
// It reads files (the baseline) but not git: it sits beside scan, below the
// git reader's users.
package triage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
	"github.com/sourcegraph/conc/pool"
)

// None is the baseline flag value that ignores the baseline.
const None = "none"

// Triage holds what decides: the configuration (.gitleaksignore, allowlist
// commits) and where the baseline is.
type Triage struct {
	cfg                *rules.Config
	root, baselineFile string
	today              time.Time
	salt               []byte             // for stored fingerprints when the baseline has none
	base               *baseline.Baseline // WithBaseline's
	rootCommit         func() string      // WithRootCommit's
	preset             bool
	ctx                context.Context // WithContext's; nil: unbounded
	textOnly           bool            // ForText's
}

// WithContext bounds the triage by ctx (a hook's time budget): stored
// fingerprints cost tens of milliseconds each, so a file with a finding on
// each of 40,000 lines took minutes after its scan had ended. When ctx ends,
// Apply returns its error.
func (t *Triage) WithContext(ctx context.Context) *Triage {
	t.ctx = ctx
	return t
}

// ForText says the report is text, which shows no stored fingerprint: they
// are computed only for the findings whose rule has v2 entries in the
// baseline, which need them to be looked up.
func (t *Triage) ForText() *Triage {
	t.textOnly = true
	return t
}

// WithSalt sets the salt of stored fingerprints for when the baseline has
// none (the baseline command passes the one it will write).
func (t *Triage) WithSalt(salt []byte) *Triage {
	t.salt = salt
	return t
}

// Salt is the salt of the stored fingerprints: the baseline's own, else
// WithSalt's, else one derived from the repository's root commit, so
// fingerprints are the same from run to run before a baseline exists and
// after one is written.
func (t *Triage) Salt(base *baseline.Baseline) []byte {
	switch {
	case base != nil && base.Salt != nil:
		return base.Salt
	case t.salt != nil:
		return t.salt
	}
	root := ""
	if t.rootCommit != nil {
		root = t.rootCommit()
	}
	t.salt = baseline.DeriveSalt(root)
	return t.salt
}

// WithRootCommit gives the triage the repository's root commit, from which
// the salt is derived when there is no baseline; it is called only when a
// finding needs a stored fingerprint. Triage reads no git itself.
func (t *Triage) WithRootCommit(f func() string) *Triage {
	t.rootCommit = f
	return t
}

// New returns the triage for findings under root. baselineFile is the
// --baseline flag: "" finds .leakhook-baseline at root (or, for a scan of a
// subdirectory, in its parents up to the repository's top), None ignores
// the baseline, anything else is a file that must exist. With root "" and
// no file, no baseline is read. The baseline is read only when there are
// findings to look up.
func New(cfg *rules.Config, root, baselineFile string) *Triage {
	return &Triage{cfg: cfg, root: root, baselineFile: baselineFile, today: time.Now()}
}

// WithBaseline returns the triage with the baseline b already read (nil:
// none), as pre-receive reads it from a commit rather than a file.
func WithBaseline(cfg *rules.Config, b *baseline.Baseline) *Triage {
	return &Triage{cfg: cfg, base: b, preset: true, today: time.Now()}
}

// load reads the baseline; nil without one.
func (t *Triage) load() (*baseline.Baseline, error) {
	if t.preset {
		return t.base, nil
	}
	if t.baselineFile == None {
		return nil, nil
	}
	path := t.baselineFile
	if path == "" {
		if t.root == "" {
			return nil, nil
		}
		path = findBaseline(t.root)
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("--baseline: %v", err)
	}
	return baseline.Load(path)
}

// Suppressed reports whether a finding is dropped whatever the baseline
// says: by a .gitleaksignore entry or by an allowlist's commits.
func (t *Triage) Suppressed(f *rules.Finding) bool { return t.cfg.Suppressed(f) }

// Verdict is what is reported, and whether it blocks.
type Verdict struct {
	Blocking []rules.Finding // what is reported, in the order found (advisory findings among them do not block)
	// Suppressed is everything that was found and is not reported, each
	// with what suppressed it (rules.Finding.Suppressed): inline markers
	// and configurations' allowlists (ApplyResult: the engine's), a
	// .gitleaksignore entry or an allowlist's commits, the baseline. The
	// reports count them by source.
	Suppressed []rules.Finding
	Known      int // dropped because the baseline knows them
	KnownV1    int // of those, matched by a v1 entry (leakhook baseline --migrate)

	notes map[string]string
}

// Blocks reports whether anything in Blocking blocks: advisory findings
// (an expired or public token, say) are reported but never block.
func (v *Verdict) Blocks() bool {
	for i := range v.Blocking {
		if !v.Blocking[i].Advisory {
			return true
		}
	}
	return false
}

// Note labels a reported finding for the report when a baseline is in use:
// "new", or why a baselined secret blocks again. It is "" without one.
func (v *Verdict) Note(f *rules.Finding) string { return v.notes[f.RuleID+" "+f.StoredFingerprint] }

// ApplyResult is Apply on a scan's findings, with what the engine already
// suppressed (inline markers, configurations' allowlists) listed first in
// the verdict's Suppressed.
func (t *Triage) ApplyResult(res *scan.Result) (*Verdict, error) {
	v, err := t.Apply(res.Findings)
	if v != nil {
		v.Suppressed = append(t.relative(res.Suppressed), v.Suppressed...)
	}
	return v, err
}

// relative names suppressions' configuration files relative to the root,
// as the rest of the report names files.
func (t *Triage) relative(fs []rules.Finding) []rules.Finding {
	if t.root == "" {
		return fs
	}
	abs, err := filepath.Abs(t.root)
	if err != nil {
		return fs
	}
	prefix := abs + string(filepath.Separator)
	for i := range fs {
		if s := fs[i].Suppressed; s != nil && strings.HasPrefix(s.Key, prefix) {
			c := *s
			c.Key = filepath.ToSlash(strings.TrimPrefix(s.Key, prefix))
			fs[i].Suppressed = &c
		}
	}
	return fs
}

// Apply decides which of findings block. It does not modify findings. An
// error is a baseline that could not be read.
func (t *Triage) Apply(findings []rules.Finding) (*Verdict, error) {
	v := &Verdict{}
	var kept []rules.Finding
	for i := range findings {
		if by := t.cfg.SuppressedBy(&findings[i]); by != nil {
			f := findings[i]
			f.Suppressed = by
			v.Suppressed = append(v.Suppressed, f)
			continue
		}
		kept = append(kept, findings[i])
	}
	v.Suppressed = t.relative(v.Suppressed)
	v.Blocking = kept
	if len(kept) == 0 {
		return v, nil
	}
	base, err := t.load()
	if err != nil {
		return v, err
	}
	// Only what survived the filters gets a stored fingerprint: argon2id
	// costs tens of milliseconds a value.
	if err := t.fingerprint(kept, base); err != nil {
		return v, err
	}
	if base == nil {
		return v, nil
	}
	v.Blocking = nil
	v.notes = map[string]string{}
	for _, f := range kept {
		key := f.RuleID + " " + f.StoredFingerprint
		switch st, e := base.Status(&f, t.today); st {
		case baseline.Known:
			v.Known++
			if e.V1() {
				v.KnownV1++
			}
			f.Suppressed = &rules.Suppression{Kind: rules.SuppressedBaseline, Key: t.baselineName(base)}
			v.Suppressed = append(v.Suppressed, f)
			continue
		case baseline.Expired:
			v.notes[key] = "baselined, but the entry expired on " + e.Expires
		default:
			v.notes[key] = "new"
		}
		v.Blocking = append(v.Blocking, f)
	}
	return v, nil
}

// fingerprint sets the stored fingerprint of the findings that need one
// (ForText: only those the baseline may know by it), each distinct value
// once, on every core, and stops when the triage's context ends.
func (t *Triage) fingerprint(fs []rules.Finding, base *baseline.Baseline) error {
	need := func(string) bool { return true }
	if t.textOnly {
		inBaseline := map[string]bool{} // rules with v2 entries
		if base != nil {
			for _, e := range base.Entries() {
				if !e.V1() {
					inBaseline[e.RuleID] = true
				}
			}
		}
		need = func(id string) bool { return inBaseline[id] }
	}
	type key struct{ rule, secret string }
	var todo []key
	seen := map[key]bool{}
	for i := range fs {
		k := key{fs[i].RuleID, fs[i].Secret}
		if need(k.rule) && !seen[k] {
			seen[k] = true
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	ctx := t.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	salt := t.Salt(base)
	p := pool.New().WithContext(ctx).WithCancelOnError().WithMaxGoroutines(runtime.GOMAXPROCS(0))
	for _, k := range todo {
		p.Go(func(ctx context.Context) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			baseline.FingerprintV2(salt, k.rule, k.secret) // remembered for the loop below
			return nil
		})
	}
	if err := p.Wait(); err != nil {
		return err
	}
	for i := range fs {
		if need(fs[i].RuleID) {
			fs[i].StoredFingerprint = baseline.FingerprintV2(salt, fs[i].RuleID, fs[i].Secret)
		}
	}
	return nil
}

// baselineName names the baseline in reports: its file, relative to the
// root when it lies there.
func (t *Triage) baselineName(base *baseline.Baseline) string {
	name := base.Path
	if name == "" {
		return baseline.FileName
	}
	if abs, err := filepath.Abs(t.root); err == nil && t.root != "" {
		if rel, err := filepath.Rel(abs, name); err == nil && filepath.IsAbs(name) && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return name
}

// findBaseline looks for the baseline in root and, for a scan of a
// subdirectory, in its parents up to the repository's top (the directory
// holding .git).
func findBaseline(root string) string {
	dir, err := filepath.Abs(root)
	if err != nil {
		return filepath.Join(root, baseline.FileName)
	}
	for {
		p := filepath.Join(dir, baseline.FileName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			return filepath.Join(root, baseline.FileName)
		}
		dir = up
	}
}
