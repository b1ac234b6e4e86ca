package fix

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
	"github.com/leakhook/leakhook/triage"
)

// Options say what to fix and where the values go.
type Options struct {
	Repo    *gitread.Repo
	Config  *rules.Config
	Vault   string   // "env" (default), "aws", "hashicorp" or "conjur"
	Paths   []string // repository-relative files or directories; none means all staged files
	Backend string   // staged-change reader, as LEAKHOOK_BACKEND
	// Triage decides which findings block, so fix moves exactly what would
	// block the commit. Nil uses the configuration alone (.gitleaksignore,
	// allowlist commits) and no baseline.
	Triage *triage.Triage
}

// Plan is everything a fix would do. Building it changes nothing.
type Plan struct {
	Findings []rules.Finding // staged findings in scope
	Fixed    []rules.Finding // those the plan removes from the index
	Manual   []Manual        // those it leaves to the user

	opts       Options
	vault      string
	git        git
	files      []*fileFix
	env        *envFile
	ignoreAdd  string   // line for .gitignore, "" when git already ignores the env file
	example    string   // path of .env.example when it exists
	exampleAdd []string // names it lacks
	vaultCmds  []vaultCmd
}

// Manual is a finding fix leaves alone, why, and what to do by hand.
type Manual struct {
	Finding rules.Finding
	Reason  string
	Steps   []string
}

// fileFix is the change to one staged file.
type fileFix struct {
	path, mode, sha string
	lang            remedy.Lang
	index           *edit
	work            *edit  // nil when the working tree is not patched
	workContent     string // what the working-tree file held when planned
	workNotes       []string
	untrack         bool // the env file itself was staged: remove it from the index
	secrets         []string
}

type vaultCmd struct {
	name, rule string
	store      []string
	load       string
}

// NewPlan reads the staged change, finds the secrets and works out the fix.
func NewPlan(ctx context.Context, o Options) (*Plan, error) {
	vault, ok := remedy.ParseVault(o.Vault, false)
	if !ok {
		return nil, fmt.Errorf("unknown vault %q: want env, aws, hashicorp or conjur", o.Vault)
	}
	p := &Plan{opts: o, vault: vault, git: git{o.Repo}}
	found, err := Findings(ctx, o)
	if err != nil {
		return nil, err
	}
	p.Findings = found
	envRel := envPath(o.Config.Remediation.EnvFile)
	if vault == "env" {
		if p.env, err = readEnvFile(o.Repo.Root, envRel); err != nil {
			return nil, err
		}
	} else {
		p.env = &envFile{path: envRel, values: map[string]string{}, byValue: map[string]string{}}
	}
	envEntry, err := p.git.entry(ctx, envRel)
	if err != nil {
		return nil, err
	}

	byPath := map[string][]rules.Finding{}
	var paths []string
	for _, f := range found {
		if _, seen := byPath[f.Path]; !seen {
			paths = append(paths, f.Path)
		}
		byPath[f.Path] = append(byPath[f.Path], f)
	}
	envUsable := !envEntry.found || len(byPath[envRel]) > 0
	for _, fp := range paths {
		fs := byPath[fp]
		if fp == envRel {
			if err := p.planUntrack(ctx, fp, fs); err != nil {
				return nil, err
			}
			continue
		}
		if vault == "env" && !envUsable {
			p.manual(fs, envRel+" is tracked by git, so the value cannot go there: untrack it first (git rm --cached "+envRel+")")
			continue
		}
		if err := p.planFile(ctx, fp, fs); err != nil {
			return nil, err
		}
	}
	if err := p.planSideFiles(ctx, envRel); err != nil {
		return nil, err
	}
	if err := p.checkTargets(); err != nil {
		return nil, err
	}
	return p, nil
}

// Findings scans the staged change and keeps those that block under o.Paths.
func Findings(ctx context.Context, o Options) ([]rules.Finding, error) {
	ch, err := gitread.Staged(ctx, o.Repo, o.Config.MaxFileSize, o.Backend)
	if err != nil {
		return nil, err
	}
	res, err := scan.Items(ctx, o.Config.Engine, ch.Items)
	if err != nil {
		return nil, err
	}
	t := o.Triage
	if t == nil {
		t = triage.New(o.Config, "", triage.None)
	}
	v, err := t.Apply(res.Findings)
	if err != nil {
		return nil, err
	}
	var out []rules.Finding
	for _, f := range v.Blocking {
		// An advisory finding (a made-up value, an expired token) does not
		// block the commit: fix leaves it where it is.
		if !f.Advisory && inScope(f.Path, o.Paths) {
			out = append(out, f)
		}
	}
	return out, nil
}

func inScope(p string, scope []string) bool {
	if len(scope) == 0 {
		return true
	}
	for _, s := range scope {
		s = strings.TrimSuffix(s, "/")
		if s == "" || s == "." || p == s || strings.HasPrefix(p, s+"/") {
			return true
		}
	}
	return false
}

func envPath(cfg string) string {
	if cfg == "" {
		return ".env"
	}
	return path.Clean(filepath.ToSlash(cfg))
}

// remedyOptions are the team's remediation settings for remedy's text.
func (p *Plan) remedyOptions() remedy.Options {
	r := p.opts.Config.Remediation
	return remedy.Options{Vault: p.vault, SecretPath: r.SecretPath, EnvFile: p.env.path, Repo: filepath.Base(p.opts.Repo.Root)}
}

// secretOf describes a finding's secret type from its rule; name overrides
// the variable.
func (p *Plan) secretOf(f rules.Finding, name string) remedy.Secret {
	s := remedy.Secret{RuleID: f.RuleID, Name: f.RuleName, EnvVar: name}
	if r := p.opts.Config.Engine.Rule(f.RuleID); r != nil {
		s.Name, s.Description, s.RotateURL, s.RotateSteps = r.Name, r.Description, r.RotateURL, r.RotateSteps
		if name == "" {
			s.EnvVar = r.EnvName()
		}
	}
	return s
}

// manual records findings fix leaves alone, with the block message's advice.
func (p *Plan) manual(fs []rules.Finding, reason string) {
	for _, f := range fs {
		steps := remedy.Short(p.secretOf(f, ""), f.Path, f.LineText, f.Secret, p.remedyOptions())
		p.Manual = append(p.Manual, Manual{Finding: f, Reason: reason, Steps: steps})
	}
}

// wantName is the variable for a finding: remedy.VarName, the one the
// block message and explain name too.
func (p *Plan) wantName(f rules.Finding) string {
	return remedy.VarName(p.secretOf(f, ""), f.LineText, f.Secret)
}

// planUntrack handles the env file itself being staged: its values are
// already where they belong, so the fix is to stop tracking it. That is
// safe only when the working-tree copy holds exactly what is staged.
func (p *Plan) planUntrack(ctx context.Context, fp string, fs []rules.Finding) error {
	m, err := p.git.worktreeMap(ctx, fp)
	if err != nil {
		return err
	}
	if m.missing || len(m.hunks) > 0 {
		p.manual(fs, fp+" is the env file but its working-tree copy differs from the staged one; keep the values you need in it, then: git rm --cached "+fp)
		return nil
	}
	e, err := p.git.entry(ctx, fp)
	if err != nil {
		return err
	}
	ff := &fileFix{path: fp, mode: e.mode, sha: e.sha, lang: remedy.Dotenv, untrack: true}
	for _, f := range fs {
		ff.secrets = append(ff.secrets, f.Secret)
	}
	p.files = append(p.files, ff)
	p.Fixed = append(p.Fixed, fs...)
	return nil
}

// planFile rewrites one staged file's findings.
func (p *Plan) planFile(ctx context.Context, fp string, fs []rules.Finding) error {
	lang := remedy.LangOf(fp)
	if !supported[lang] {
		p.manual(fs, lang.Title()+" files are not rewritten automatically")
		return nil
	}
	e, err := p.git.entry(ctx, fp)
	if err != nil {
		return err
	}
	if !e.found || e.conflict || (e.mode != "100644" && e.mode != "100755") {
		p.manual(fs, "the staged entry is not a regular file (or has a merge conflict)")
		return nil
	}
	content, err := p.git.blob(ctx, e.sha)
	if err != nil {
		return err
	}
	at, imp, ok := remedy.EnvImport(lang, content)
	if !ok {
		p.manual(fs, "leakhook could not parse the file to add the "+lang.Title()+" import it needs")
		return nil
	}
	ff := &fileFix{path: fp, mode: e.mode, sha: e.sha, lang: lang, index: newEdit(content)}
	// Longer secrets first, so one that contains another is replaced whole.
	sort.SliceStable(fs, func(i, j int) bool { return len(fs[i].Secret) > len(fs[j].Secret) })
	for _, f := range fs {
		ff.secrets = append(ff.secrets, f.Secret)
	}
	for _, f := range fs {
		if reason := p.rewrite(ff, content, f); reason != "" {
			p.manual([]rules.Finding{f}, reason)
			continue
		}
		p.Fixed = append(p.Fixed, f)
	}
	if !ff.index.changed() {
		return nil
	}
	addImport(ff.index, lang, content, at, imp)
	if err := p.planWorktree(ctx, ff); err != nil {
		return err
	}
	p.files = append(p.files, ff)
	return nil
}

// rewrite replaces one finding's literal in the staged lines, or says why not.
func (p *Plan) rewrite(ff *fileFix, content string, f rules.Finding) string {
	i := f.Line - 1
	if i < 0 || i >= len(ff.index.lines) || !strings.Contains(ff.index.text(i), f.Secret) {
		return "the staged line does not hold the value where the scan saw it"
	}
	cur := ff.index.current(i)
	if !strings.Contains(cur, f.Secret) {
		return "" // an earlier rewrite of this line already took it out
	}
	if escaping[ff.lang] && strings.Contains(f.Secret, `\`) {
		return "the value has a backslash escape, so the literal is not the value the program sees"
	}
	if p.vault == "env" {
		if _, err := quoteEnv(f.Secret); err != nil {
			return "the value cannot be written to " + p.env.path + ": " + err.Error()
		}
	}
	name, isNew := p.env.pick(p.wantName(f), f.Secret)
	var out string
	var ok bool
	if ff.lang == remedy.Dotenv {
		out, ok = rewriteDotenv(ff.path, cur, f.Secret, name)
	} else {
		out, ok = remedy.Rewrite(ff.lang, cur, f.Secret, name)
	}
	if !ok || strings.Contains(out, f.Secret) {
		return "the literal could not be replaced with confidence on this line"
	}
	if ff.lang == remedy.Go {
		toVar, inBlock, parsed := goConst(content, f.Line)
		switch {
		case !parsed:
			return "the staged Go file does not parse"
		case inBlock:
			return "the value is in a const block, which cannot hold os.Getenv"
		case toVar:
			if !goConstKeyword().MatchString(out) {
				return "the value is in a constant, which cannot hold os.Getenv"
			}
			out = goConstKeyword().ReplaceAllString(out, "${1}var${2}")
		}
	}
	ff.index.replace[i] = out
	p.env.take(name, f.Secret, isNew)
	return ""
}

// planWorktree patches the working-tree file line by line where it still
// equals the staged line; elsewhere only the index changes.
func (p *Plan) planWorktree(ctx context.Context, ff *fileFix) error {
	m, err := p.git.worktreeMap(ctx, ff.path)
	if err != nil {
		return err
	}
	abs := filepath.Join(p.opts.Repo.Root, filepath.FromSlash(ff.path))
	fi, err := os.Lstat(abs)
	if m.missing || err != nil || !fi.Mode().IsRegular() {
		ff.workNotes = append(ff.workNotes, "the working-tree file is missing or not a regular file: only the index is updated")
		return nil
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	ff.workContent = string(data)
	w := newEdit(ff.workContent)
	var lines []int
	for i := range ff.index.replace {
		lines = append(lines, i)
	}
	sort.Ints(lines)
	for _, i := range lines {
		j := m.to(i+1) - 1
		if j >= 0 && j < len(w.lines) && w.text(j) == ff.index.text(i) {
			w.replace[j] = ff.index.replace[i]
			continue
		}
		ff.workNotes = append(ff.workNotes, fmt.Sprintf("line %d differs in the working tree (unstaged edits): only the index is updated there; edit the working-tree file by hand", i+1))
	}
	if !w.changed() {
		return nil
	}
	at, imp, ok := remedy.EnvImport(ff.lang, ff.workContent)
	if !ok {
		ff.workNotes = append(ff.workNotes, "the working-tree file does not parse: only the index is updated")
		return nil
	}
	addImport(w, ff.lang, ff.workContent, at, imp)
	ff.work = w
	return nil
}

// planSideFiles works out .gitignore, .env.example and vault commands.
func (p *Plan) planSideFiles(ctx context.Context, envRel string) error {
	root := p.opts.Repo.Root
	untracking := false
	for _, ff := range p.files {
		untracking = untracking || ff.untrack
	}
	if p.vault == "env" && (len(p.env.added) > 0 || untracking) {
		ign, err := p.git.ignored(ctx, envRel)
		if err != nil {
			return err
		}
		if !ign {
			p.ignoreAdd = "/" + envRel
		}
	}
	ex := path.Join(path.Dir(envRel), ".env.example")
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(ex))); err == nil {
		p.example = ex
		var names []string
		for _, n := range p.env.byValue {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if !hasVar(filepath.Join(root, filepath.FromSlash(ex)), n) {
				p.exampleAdd = append(p.exampleAdd, n)
			}
		}
	}
	if p.vault != "env" {
		for _, e := range p.env.added {
			var f rules.Finding
			for _, x := range p.Fixed {
				if x.Secret == e.Value {
					f = x
					break
				}
			}
			store, load, err := remedy.StoreCommands(p.secretOf(f, e.Name), p.vault, p.remedyOptions())
			if err != nil {
				return err
			}
			p.vaultCmds = append(p.vaultCmds, vaultCmd{name: e.Name, rule: f.RuleID, store: store, load: load})
		}
	}
	return nil
}

// addImport adds what the env read needs to compile: a Go file's single
// import "x" becomes an import block holding "os" too (never a second
// import declaration); otherwise the lines EnvImport placed at at.
func addImport(e *edit, l remedy.Lang, src string, at int, imp []string) {
	if ln, repl, ok := remedy.GoImportJoin(l, src); ok {
		joined := strings.Join(repl, e.defaultEOL())
		// The working tree may already carry it over from the index.
		if cur, busy := e.replace[ln]; !busy || cur == joined {
			e.replace[ln] = joined
			return
		}
	}
	if at >= 0 {
		e.insert[at] = imp
	}
}
