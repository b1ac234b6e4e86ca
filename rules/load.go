package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed data/*.toml
var builtinFS embed.FS

// DefaultMaxFileSize is the per-blob size cap when the configuration sets none.
const DefaultMaxFileSize = 10 << 20

// Config is a loaded rule set and the options that came with it.
type Config struct {
	Engine      *Engine
	MaxFileSize int64
	Remediation Remediation
	Warnings    []string    // unknown keys and other things the user should fix
	Source      string      // the configuration file, if any
	Ignore      *IgnoreList // .gitleaksignore at the root, if any
}

// Suppressed reports whether a finding is dropped after scanning: by a
// .gitleaksignore entry or by an allowlist's commits (which the engine cannot
// see, as it scans content without knowing the commit).
func (c *Config) Suppressed(f *Finding) bool {
	return c.Ignore.Match(f) || c.Engine.allowedCommit(f)
}

// Remediation is the team's choice of where secrets go, used by block messages.
type Remediation struct {
	Vault      string `toml:"vault"`      // env (default), aws, hashicorp or conjur
	SecretPath string `toml:"secretPath"` // e.g. "secret/data/{repo}/{name}"
	EnvFile    string `toml:"envFile"`    // default ".env"
}

var builtin struct {
	once   sync.Once
	rules  []Rule
	allows []Allowlist
	err    error
}

// Builtin returns the embedded rules and global allowlists, parsed once.
func Builtin() ([]Rule, []Allowlist, error) {
	builtin.once.Do(func() {
		if rs, allows, ok := fromTable(); ok {
			builtin.rules, builtin.allows = rs, allows
			return
		}
		builtin.rules, builtin.allows, builtin.err = parseBuiltin()
	})
	return builtin.rules, builtin.allows, builtin.err
}

// parseBuiltin decodes every embedded rule file, in name order.
func parseBuiltin() ([]Rule, []Allowlist, error) {
	names, err := fs.Glob(builtinFS, "data/*.toml")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	var rs []Rule
	var allows []Allowlist
	for _, name := range names {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			return nil, nil, err
		}
		f, warn, err := Parse("rules/"+name, data)
		if err != nil {
			return nil, nil, err
		}
		if len(warn) > 0 {
			return nil, nil, fmt.Errorf("%s", strings.Join(warn, "; "))
		}
		rs = append(rs, f.Rules...)
		allows = append(allows, f.Allowlists...)
	}
	return rs, allows, nil
}

// file is what Parse decodes: File plus the sections only .leakhook.toml has.
type file struct {
	File
	Remediation Remediation `toml:"remediation"`
}

// Parse decodes one rule file. Errors name the file, line and column; keys
// the schema does not know are returned as warnings.
func Parse(name string, data []byte) (*File, []string, error) {
	f, warn, err := parse(name, data)
	if err != nil {
		return nil, warn, err
	}
	return &f.File, warn, nil
}

func parse(name string, data []byte) (*file, []string, error) {
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("%s:%d:%d: %s", name, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, nil, fmt.Errorf("%s: %v", name, err)
	}
	var warn []string
	for _, k := range md.Undecoded() {
		warn = append(warn, unknownKey(name, k.String()))
	}
	foldAliases(&f.File)
	if f.Allowlist != nil {
		f.Allowlists = append(f.Allowlists, *f.Allowlist)
		f.Allowlist = nil
	}
	seen := map[string]bool{}
	for i, r := range f.Rules {
		where := fmt.Sprintf("%s: rule %d", name, i+1)
		if r.ID != "" {
			where = fmt.Sprintf("%s: rule %q", name, r.ID)
		}
		if r.ID == "" {
			return nil, warn, fmt.Errorf("%s: missing id", where)
		}
		if seen[r.ID] {
			return nil, warn, fmt.Errorf("%s: duplicate id", where)
		}
		seen[r.ID] = true
		if !validateKinds[r.Validate] {
			return nil, warn, fmt.Errorf("%s: unknown validate %q (want github, jwt, jwt-claims, base64 or basic-auth)", where, r.Validate)
		}
		for j := range r.Allowlists {
			warn = append(warn, commitWarnings(fmt.Sprintf("%s: allowlist %d", where, j+1), &r.Allowlists[j])...)
		}
	}
	for j := range f.Allowlists {
		warn = append(warn, commitWarnings(fmt.Sprintf("%s: allowlist %d", name, j+1), &f.Allowlists[j])...)
	}
	return &f, warn, nil
}

// foldAliases moves snake_case and legacy spellings into the canonical fields.
func foldAliases(f *File) {
	if f.Extend.UseDefault == nil {
		f.Extend.UseDefault = f.Extend.UseDefaultAlias
	}
	f.Extend.DisabledRules = append(f.Extend.DisabledRules, f.Extend.DisabledRulesAlias...)
	f.Extend.DisabledRules = append(f.Extend.DisabledRules, f.DisabledRules...)
	f.Extend.DisabledRules = append(f.Extend.DisabledRules, f.DisabledRulesAlias...)
	f.Extend.UseDefaultAlias, f.Extend.DisabledRulesAlias, f.DisabledRules, f.DisabledRulesAlias = nil, nil, nil, nil
	fold := func(a *Allowlist) {
		if a.RegexTarget == "" {
			a.RegexTarget = a.RegexTargetAlias
		}
		a.TargetRules = append(a.TargetRules, a.TargetRulesAlias...)
		a.RegexTargetAlias, a.TargetRulesAlias = "", nil
	}
	if f.Allowlist != nil {
		fold(f.Allowlist)
	}
	for i := range f.Allowlists {
		fold(&f.Allowlists[i])
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		if r.Allowlist != nil {
			r.Allowlists = append(r.Allowlists, *r.Allowlist)
			r.Allowlist = nil
		}
		for j := range r.Allowlists {
			fold(&r.Allowlists[j])
		}
	}
}

// maxExtendDepth bounds [extend] path chains (and catches cycles early).
const maxExtendDepth = 8

// layer is one configuration file of an [extend] path chain.
type layer struct {
	name string
	f    *file
}

// chain reads the configuration at p and the files its [extend] path names,
// deepest first. Relative paths are relative to the file that names them.
func chain(p string, seen map[string]bool) ([]layer, []string, error) {
	abs, _ := filepath.Abs(p)
	if seen[abs] {
		return nil, nil, fmt.Errorf("%s: [extend] path loops back to this file", p)
	}
	if len(seen) >= maxExtendDepth {
		return nil, nil, fmt.Errorf("%s: [extend] path chain is deeper than %d files", p, maxExtendDepth)
	}
	seen[abs] = true
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, fmt.Errorf("reading configuration: %v", err)
	}
	f, warn, err := parse(p, data)
	if err != nil {
		return nil, warn, err
	}
	var layers []layer
	if ext := f.Extend.Path; ext != "" {
		if !filepath.IsAbs(ext) {
			ext = filepath.Join(filepath.Dir(p), ext)
		}
		base, w, err := chain(ext, seen)
		warn = append(warn, w...)
		if err != nil {
			return nil, warn, fmt.Errorf("%s: [extend] path: %v", p, err)
		}
		layers = base
	}
	return append(layers, layer{p, f}), warn, nil
}

// Load builds the rule set for a repository: the built-in rules extended by
// the configuration at configPath (if it is empty, root/.leakhook.toml when it
// exists), and the .gitleaksignore at root. Every error names the file and,
// where it can, the line and rule.
func Load(root, configPath string) (*Config, error) {
	bRules, bAllows, err := Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %v", err)
	}
	cfg := &Config{MaxFileSize: DefaultMaxFileSize}
	if root != "" {
		ign, warn, err := LoadGitleaksIgnore(filepath.Join(root, ".gitleaksignore"))
		cfg.Warnings = append(cfg.Warnings, warn...)
		if err != nil {
			return nil, err
		}
		cfg.Ignore = ign
	}
	if configPath == "" && root != "" {
		p := filepath.Join(root, ".leakhook.toml")
		if _, err := os.Stat(p); err == nil {
			configPath = p
		}
	}
	if configPath == "" {
		cfg.Engine, err = NewEngine(bRules, bAllows)
		return cfg, err
	}
	cfg.Source = configPath
	layers, warn, err := chain(configPath, map[string]bool{})
	cfg.Warnings = append(cfg.Warnings, warn...)
	if err != nil {
		return nil, err
	}
	top := layers[len(layers)-1].f
	cfg.Remediation = top.Remediation
	if top.Scan.MaxFileSize > 0 {
		cfg.MaxFileSize = top.Scan.MaxFileSize
	}

	// The top file decides whether built-in rules stay on (default: they do);
	// an extended file that asks for them explicitly also turns them on.
	useDefault := top.Extend.UseDefault == nil || *top.Extend.UseDefault
	for _, l := range layers {
		if u := l.f.Extend.UseDefault; u != nil && *u {
			useDefault = true
		}
	}
	var all []Rule
	var allows []Allowlist
	if useDefault {
		all = append(all, bRules...)
		allows = append(allows, bAllows...)
	}
	own := map[string]bool{} // rules that came from a configuration file
	for _, l := range layers {
		index := map[string]int{}
		for i, r := range all {
			index[r.ID] = i
		}
		for _, id := range l.f.Extend.DisabledRules {
			i, ok := index[id]
			if !ok {
				cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: disabledRules names unknown rule %q", l.name, id))
				continue
			}
			all[i].ID = "" // removed below
			delete(index, id)
		}
		for _, r := range l.f.Rules {
			own[r.ID] = true
			if i, ok := index[r.ID]; ok {
				all[i] = mergeRule(all[i], r)
				continue
			}
			if r.Regex == "" {
				return nil, fmt.Errorf("%s: rule %q: missing regex (and no rule with this id to extend)", l.name, r.ID)
			}
			all = append(all, r)
		}
		kept := all[:0]
		for _, r := range all {
			if r.ID != "" {
				kept = append(kept, r)
			}
		}
		all = kept
		allows = append(allows, l.f.Allowlists...)
	}
	if len(all) == 0 {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: WARNING: this configuration enables no rules at all; nothing will be detected", configPath))
	}
	cfg.Warnings = append(cfg.Warnings, targetWarnings(configPath, all, allows)...)
	cfg.Engine, err = NewEngine(all, allows)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", configPath, err)
	}
	// Compile the configuration's rules and allowlists now, so a bad regex
	// names its rule or allowlist before scanning.
	if _, err := cfg.Engine.global.get(); err != nil {
		return nil, fmt.Errorf("%s: %v", configPath, err)
	}
	for _, r := range cfg.Engine.rules {
		if own[r.ID] {
			if err := r.compile(); err != nil {
				return nil, fmt.Errorf("%s: %v", configPath, err)
			}
		}
	}
	return cfg, nil
}

// mergeRule applies a configuration's rule to the rule with the same id it
// extends (gitleaks' semantics): fields the configuration sets win, the
// rest are kept; allowlists and keywords are added to the base rule's. So
// `[[rules]] id = "aws-access-key-id"` with only an allowlist attaches that
// allowlist to the built-in rule.
func mergeRule(base, over Rule) Rule {
	out := base
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&out.Description, over.Description)
	set(&out.Regex, over.Regex)
	set(&out.Path, over.Path)
	set(&out.Name, over.Name)
	set(&out.EnvVar, over.EnvVar)
	set(&out.RotateURL, over.RotateURL)
	set(&out.Context, over.Context)
	set(&out.Validate, over.Validate)
	if over.SecretGroup != 0 {
		out.SecretGroup = over.SecretGroup
	}
	if over.Entropy != 0 {
		out.Entropy = over.Entropy
	}
	if over.Lines != 0 {
		out.Lines = over.Lines
	}
	if len(over.RotateSteps) > 0 {
		out.RotateSteps = over.RotateSteps
	}
	out.Keywords = append(append([]string{}, base.Keywords...), over.Keywords...)
	out.Tags = append(append([]string{}, base.Tags...), over.Tags...)
	out.Allowlists = append(append([]Allowlist{}, base.Allowlists...), over.Allowlists...)
	return out
}

// targetWarnings names allowlist targetRules that match no rule: a typo
// there would silently allow nothing.
func targetWarnings(name string, rs []Rule, allows []Allowlist) []string {
	ids := map[string]bool{}
	for _, r := range rs {
		ids[r.ID] = true
	}
	var warn []string
	for i, a := range allows {
		for _, id := range a.TargetRules {
			if !ids[id] {
				warn = append(warn, fmt.Sprintf("%s: allowlist %d: targetRules names unknown rule %q", name, i+1, id))
			}
		}
	}
	return warn
}

// Language-neutral helper for messages: the rule's env var, or one derived from its id.
func (r *Rule) EnvName() string {
	if r.EnvVar != "" {
		return r.EnvVar
	}
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(r.ID))
}
