package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
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

	allowSuppression bool   // a trusted configuration says [trust] allowSuppression
	digest           []byte // every configuration file's name and bytes, for the self-check's cache
	check            suppressors
}

// Digest is every configuration file's bytes (and whether it was trusted),
// in order, without names: the same configuration gives the same digest
// from the working tree and as committed. Empty for the built-ins alone.
func (c *Config) Digest() []byte { return c.digest }

// Suppressed reports whether a finding is dropped after scanning: by a
// .gitleaksignore entry or by an allowlist's commits (which the engine cannot
// see, as it scans content without knowing the commit).
func (c *Config) Suppressed(f *Finding) bool { return c.SuppressedBy(f) != nil }

// SuppressedBy is Suppressed saying by what: a .gitleaksignore entry or an
// allowlist's commits; nil when neither drops f.
func (c *Config) SuppressedBy(f *Finding) *Suppression {
	if c.Ignore.Match(f) {
		return &Suppression{Kind: SuppressedIgnore, Key: c.Ignore.Name()}
	}
	if a := c.Engine.allowedCommit(f); a != nil {
		s := a.suppression(SuppressedCommit)
		if s == nil {
			s = &Suppression{Kind: SuppressedCommit, Key: "a built-in allowlist"}
		}
		return s
	}
	return nil
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
		for i := range f.Allowlists {
			f.Allowlists[i].origin = origin{} // built in: no configuration's doing
		}
		for i := range f.Rules {
			for j := range f.Rules[i].Allowlists {
				f.Rules[i].Allowlists[j].origin = origin{}
			}
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
	Trust       Trust       `toml:"trust"`
	// Server is the [server] section of a server's configuration, read by
	// `leakhook pre-receive` (hook.ServerConfig); the rules ignore it.
	Server map[string]any `toml:"server"`
}

// Trust holds what only a trusted configuration may say (--config, the
// user's own config.toml, a server's): a repository's committed
// .leakhook.toml cannot vouch for itself.
type Trust struct {
	// AllowSuppression lets a repository's configuration switch off
	// detection wholesale (see SelfCheck): without it, such a configuration
	// is an error.
	AllowSuppression bool `toml:"allowSuppression"`
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

// decodeErr is how the TOML decoder words a type error: its line, the key
// and the message.
var decodeErr = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`) })

// parsed is a decoded configuration file and where its keys are.
type parsed struct {
	*file
	loc *keyLocator
}

func parse(name string, data []byte) (*file, []string, error) {
	p, warn, err := parseLocated(name, data)
	if err != nil {
		return nil, warn, err
	}
	return p.file, warn, nil
}

// parseLocated decodes a configuration file and checks what can be
// checked in one file. Messages name file, line, column and key, and mask
// any value that could be a secret.
func parseLocated(name string, data []byte) (*parsed, []string, error) {
	if len(data) > MaxConfigBytes {
		return nil, nil, fmt.Errorf("%s: larger than %d bytes; a configuration may have at most that", name, MaxConfigBytes)
	}
	if err := checkDepth(name, data); err != nil {
		return nil, nil, err
	}
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, fmt.Errorf("%s:%d:%d: %s", name, pe.Position.Line, pe.Position.Col, SanitizeMessage(pe.Message))
		}
		if m := decodeErr().FindStringSubmatch(err.Error()); m != nil {
			return nil, nil, fmt.Errorf("%s:%s: %s: %s", name, m[1], m[2], SanitizeMessage(m[3]))
		}
		return nil, nil, fmt.Errorf("%s: %s", name, SanitizeMessage(err.Error()))
	}
	loc := locate(data)
	var warn []string
	for _, k := range md.Undecoded() {
		warn = append(warn, unknownKey(loc, name, k))
	}
	foldAliases(&f.File)
	var allowKeys []string // each allowlist's key path, for messages
	for j := range f.Allowlists {
		allowKeys = append(allowKeys, fmt.Sprintf("allowlists[%d]", j+1))
	}
	if f.Allowlist != nil {
		allowKeys = append(allowKeys, "allowlist")
		f.Allowlists = append(f.Allowlists, *f.Allowlist)
		f.Allowlist = nil
	}
	for j := range f.Allowlists {
		f.Allowlists[j].origin.key = loc.at(name, allowKeys[j])
	}
	if len(f.Rules) > MaxConfigRules {
		return nil, warn, fmt.Errorf("%s: %d rules; a configuration may have at most %d", name, len(f.Rules), MaxConfigRules)
	}
	seen := map[string]bool{}
	nAllow := len(f.Allowlists)
	for i, r := range f.Rules {
		key := fmt.Sprintf("rules[%d]", i+1)
		where := loc.at(name, key)
		if r.ID == "" {
			return nil, warn, fmt.Errorf("%s: missing id", where)
		}
		if seen[r.ID] {
			return nil, warn, fmt.Errorf("%s.id: duplicate id %s", loc.at(name, key), quoteMasked(r.ID))
		}
		seen[r.ID] = true
		if !validateKinds[r.Validate] {
			return nil, warn, fmt.Errorf("%s: unknown validate %s (want github, jwt, jwt-claims, base64, basic-auth or not-example)", loc.at(name, key+".validate"), quoteMasked(r.Validate))
		}
		for _, k := range []struct{ key, expr string }{{"path", r.Path}, {"context", r.Context}} {
			if k.expr != "" {
				if err := checkPattern(k.expr, maxAllowPatInst); err != nil {
					return nil, warn, fmt.Errorf("%s: %v", loc.at(name, key+"."+k.key), err)
				}
			}
		}
		nAllow += len(r.Allowlists)
		for j := range r.Allowlists {
			akey := fmt.Sprintf("%s.allowlists[%d]", key, j+1)
			if err := checkAllowlist(loc, name, akey, &r.Allowlists[j]); err != nil {
				return nil, warn, err
			}
			r.Allowlists[j].origin.key = loc.at(name, akey) // r shares the slice with f.Rules[i]
			warn = append(warn, commitWarnings(loc.at(name, akey), &r.Allowlists[j])...)
		}
	}
	if nAllow > maxAllowlists {
		return nil, warn, fmt.Errorf("%s: %d allowlists; a configuration may have at most %d", name, nAllow, maxAllowlists)
	}
	for j := range f.Allowlists {
		a := &f.Allowlists[j]
		if err := checkAllowlist(loc, name, allowKeys[j], a); err != nil {
			return nil, warn, err
		}
		warn = append(warn, commitWarnings(a.origin.key, a)...)
	}
	return &parsed{&f, loc}, warn, nil
}

// checkAllowlist bounds and compiles an allowlist's patterns, naming the
// key of the first that fails without quoting it.
func checkAllowlist(loc *keyLocator, name, key string, a *Allowlist) error {
	if len(a.Regexes)+len(a.Paths) > 1000 {
		return fmt.Errorf("%s: more than 1000 patterns", loc.at(name, key))
	}
	for i, re := range a.Regexes {
		if err := checkPattern(re, maxAllowPatInst); err != nil {
			return fmt.Errorf("%s: regex %d: %v", loc.at(name, key+".regexes"), i+1, err)
		}
	}
	for i, p := range a.Paths {
		if isGlob(p) {
			continue
		}
		if err := checkPattern(p, maxAllowPatInst); err != nil {
			return fmt.Errorf("%s: path %d: %v", loc.at(name, key+".paths"), i+1, err)
		}
	}
	return nil
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
	name    string
	f       *file
	loc     *keyLocator
	data    []byte
	trusted bool
}

// source reads configuration files for one chain: a trusted chain reads
// any file; an untrusted one (a repository's own configuration) reads only
// files inside the repository, through read.
type source struct {
	trusted bool
	// read returns a file's bytes; name is what messages call it.
	read func(p string) (data []byte, name string, err error)
	// join resolves an [extend] path against the file that names it.
	join func(from, ext string) (string, error)
	stat func(p string) bool // whether p exists, if cheaper than reading it
}

// osSource reads files from disk; when within is set, only inside it.
func osSource(trusted bool, within string) *source {
	return &source{
		trusted: trusted,
		stat: func(p string) bool {
			_, err := os.Lstat(p)
			return err == nil
		},
		read: func(p string) ([]byte, string, error) {
			data, err := readConfig(p, within)
			return data, p, err
		},
		join: func(from, ext string) (string, error) {
			if filepath.IsAbs(ext) {
				if !trusted {
					return "", fmt.Errorf("an absolute path, outside the repository; a repository's configuration may read only files inside it")
				}
				return ext, nil
			}
			return filepath.Join(filepath.Dir(from), ext), nil
		},
	}
}

// chain reads the configuration at p and the files its [extend] path names,
// deepest first. Relative paths are relative to the file that names them.
func chain(src *source, p string, seen map[string]bool) ([]layer, []string, error) {
	abs, _ := filepath.Abs(p)
	if seen[abs] {
		return nil, nil, fmt.Errorf("%s: [extend] path loops back to this file", p)
	}
	if len(seen) >= maxExtendDepth {
		return nil, nil, fmt.Errorf("%s: [extend] path chain is deeper than %d files", p, maxExtendDepth)
	}
	seen[abs] = true
	data, name, err := src.read(p)
	if err != nil {
		return nil, nil, err
	}
	f, warn, err := parseLocated(name, data)
	if err != nil {
		return nil, warn, err
	}
	var layers []layer
	if ext := f.Extend.Path; ext != "" {
		where := f.loc.at(name, "extend.path")
		next, err := src.join(p, ext)
		if err != nil {
			return nil, warn, fmt.Errorf("%s: %v", where, err)
		}
		base, w, err := chain(src, next, seen)
		warn = append(warn, w...)
		if err != nil {
			return nil, warn, fmt.Errorf("%s: %v", where, err)
		}
		layers = base
	}
	return append(layers, layer{name, f.file, f.loc, data, src.trusted}), warn, nil
}

// Options say where a configuration comes from and which parts of it are
// trusted.
type Options struct {
	// Root is the repository (or directory) root: its .leakhook.toml and
	// .gitleaksignore apply. They are untrusted: whoever commits writes them.
	Root string
	// Config is a configuration file named on the command line (--config):
	// trusted, and it replaces Root's .leakhook.toml.
	Config string
	// User is the user's own configuration file ($XDG_CONFIG_HOME/leakhook/
	// config.toml), trusted, applied beneath the repository's; a missing
	// file is no error.
	User string
	// Committed, when set, reads the repository's files (.leakhook.toml, the
	// files it extends, .gitleaksignore) as committed somewhere rather than
	// from the working tree (pre-push: at the remote's old tip). It returns
	// os.ErrNotExist for a missing file. Paths are slash-separated and
	// relative to the root.
	Committed func(rel string) ([]byte, error)
	// CommittedAt names where Committed reads from, for messages ("origin/main").
	CommittedAt string
	// CacheDir, when set, keeps the self-check's verdicts (.git/leakhook).
	CacheDir string
}

// Load builds the rule set for a repository: the built-in rules extended by
// the configuration at configPath (if it is empty, root/.leakhook.toml when it
// exists), and the .gitleaksignore at root. Every error names the file and,
// where it can, the line and rule. configPath is trusted; root's file is not.
func Load(root, configPath string) (*Config, error) {
	return LoadWith(Options{Root: root, Config: configPath})
}

// LoadWith builds the rule set described by o: built-in rules, the user's
// configuration, then the repository's (or --config's) on top. A
// repository configuration that switches detection off is an error unless
// a trusted configuration allows it (SelfCheck).
func LoadWith(o Options) (*Config, error) {
	cfg := &Config{MaxFileSize: DefaultMaxFileSize}
	err := cfg.load(o)
	for i, w := range cfg.Warnings {
		cfg.Warnings[i] = sanitizeAround(w, o.CommittedAt)
	}
	if err != nil {
		return nil, &LoadError{Err: errors.New(sanitizeAround(err.Error(), o.CommittedAt)), Warnings: cfg.Warnings}
	}
	return cfg, nil
}

// sanitizeAround is SanitizeMessage for a message that may name where a
// committed configuration was read (Options.CommittedAt: "the range's base
// 1a3e64c6c4", leakhook's own words for a commit, never a value): that
// name is kept as it is, so that the file, line and column after it are
// not masked with the commit id as one word.
func sanitizeAround(msg, at string) string {
	if at == "" {
		return SanitizeMessage(msg)
	}
	parts := strings.Split(msg, at)
	for i, p := range parts {
		parts[i] = SanitizeMessage(p)
	}
	return strings.Join(parts, at)
}

// LoadError is a configuration that did not load, with the warnings
// gathered before the error (they may explain it: a [trust] section in the
// repository's own file).
type LoadError struct {
	Err      error
	Warnings []string
}

func (e *LoadError) Error() string { return e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

func (cfg *Config) load(o Options) error {
	bRules, bAllows, err := Builtin()
	if err != nil {
		return fmt.Errorf("built-in rules: %v", err)
	}
	root := o.Root
	repoSrc := osSource(false, root)
	repoPath := ""
	if root != "" {
		repoPath = filepath.Join(root, ".leakhook.toml")
	}
	if o.Committed != nil {
		repoSrc, repoPath = committedSource(o), ".leakhook.toml"
	}
	if root != "" || o.Committed != nil {
		ign, warn, err := loadIgnore(o, root)
		cfg.Warnings = append(cfg.Warnings, warn...)
		if err != nil {
			return err
		}
		cfg.Ignore = ign
	}
	var layers []layer
	if o.User != "" {
		if _, err := os.Stat(o.User); err == nil {
			ls, warn, err := chain(osSource(true, ""), o.User, map[string]bool{})
			cfg.Warnings = append(cfg.Warnings, warn...)
			if err != nil {
				return err
			}
			layers = append(layers, ls...)
		}
	}
	var top []layer
	switch {
	case o.Config != "":
		cfg.Source = o.Config
		top, err = chainWarn(cfg, osSource(true, ""), o.Config)
	case repoPath != "" && repoSrc.exists(repoPath):
		if o.Committed == nil {
			cfg.Source = repoPath
		}
		top, err = chainWarn(cfg, repoSrc, repoPath)
	}
	if err != nil {
		return err
	}
	layers = append(layers, top...)
	if len(layers) == 0 {
		cfg.Engine, err = NewEngine(bRules, bAllows)
		return err
	}
	configPath := layers[len(layers)-1].name
	for _, l := range layers {
		if !l.trusted && l.f.Trust != (Trust{}) {
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: [trust] is honoured only in a trusted configuration (--config or your own config.toml); ignored here", l.loc.at(l.name, "trust")))
		}
		if !l.trusted && l.f.Server != nil {
			cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: [server] is honoured only in a server's configuration (leakhook pre-receive --server-config); ignored here", l.loc.at(l.name, "server")))
		}
		if l.trusted && l.f.Trust.AllowSuppression {
			cfg.allowSuppression = true
		}
	}
	if rem := topRemediation(layers); rem != nil {
		cfg.Remediation = *rem
	}
	sc := &cfg.check
	for _, l := range layers {
		if l.f.Scan.MaxFileSize > 0 {
			cfg.MaxFileSize = l.f.Scan.MaxFileSize
			sc.maxFileSize = origin{l.loc.at(l.name, "scan.maxFileSize"), l.trusted}
		}
	}

	// The top file decides whether built-in rules stay on (default: they do);
	// an extended file that asks for them explicitly also turns them on.
	topF := layers[len(layers)-1]
	useDefault := topF.f.Extend.UseDefault == nil || *topF.f.Extend.UseDefault
	for _, l := range layers {
		if u := l.f.Extend.UseDefault; u != nil && *u {
			useDefault = true
		}
	}
	sc.removed = map[string]origin{}
	sc.changed = map[string]origin{}
	var all []Rule
	var allows []Allowlist
	if useDefault {
		all = append(all, bRules...)
		allows = append(allows, bAllows...)
	} else {
		o := origin{topF.loc.at(topF.name, "extend.useDefault"), topF.trusted}
		for _, r := range bRules {
			sc.removed[r.ID] = o
		}
	}
	own := map[string]bool{} // rules that came from a configuration file
	alwaysInsts := 0         // compiled size of the rules without keywords
	for _, l := range layers {
		index := map[string]int{}
		for i, r := range all {
			index[r.ID] = i
		}
		disabled := map[string]bool{}
		for _, id := range l.f.Extend.DisabledRules {
			if _, ok := index[id]; !ok && !disabled[id] {
				cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: names unknown rule %s", l.loc.at(l.name, disabledKey(l.loc)), quoteMasked(id)))
				continue
			}
			sc.removed[id] = origin{l.loc.at(l.name, disabledKey(l.loc)), l.trusted}
			disabled[id] = true
			delete(index, id)
		}
		for i := range all {
			if disabled[all[i].ID] {
				all[i].ID = "" // every rule with that id; removed below
			}
		}
		for j := range l.f.Rules {
			for k := range l.f.Rules[j].Allowlists {
				if err := noAdvisory(&l.f.Rules[j].Allowlists[k]); err != nil {
					return err
				}
				l.f.Rules[j].Allowlists[k].origin.trusted = l.trusted
			}
		}
		for j, r := range l.f.Rules {
			key := fmt.Sprintf("rules[%d]", j+1)
			own[r.ID] = true
			kws := r.Keywords
			if i, ok := index[r.ID]; ok {
				kws = append(kws, all[i].Keywords...)
			}
			if r.Regex != "" {
				limit := maxRegexInsts
				if len(kws) == 0 {
					limit = maxAlwaysInsts
				}
				n, err := patternSize(r.Regex, limit)
				if err != nil {
					return fmt.Errorf("%s: rule %s: %v", l.loc.at(l.name, key+".regex"), quoteMasked(r.ID), err)
				}
				if len(kws) == 0 {
					if alwaysInsts += n; alwaysInsts > maxAlwaysInstsTotal {
						return fmt.Errorf("%s: the rules without keywords are too complex together (%d instructions compiled; at most %d): give them keywords", l.loc.at(l.name, key+".regex"), alwaysInsts, maxAlwaysInstsTotal)
					}
				}
			}
			if i, ok := index[r.ID]; ok {
				sc.changed[r.ID] = origin{l.loc.at(l.name, key), l.trusted}
				all[i] = mergeRule(all[i], r)
				continue
			}
			if r.Regex == "" {
				return fmt.Errorf("%s: rule %s: missing regex (and no rule with this id to extend)", l.loc.at(l.name, key), quoteMasked(r.ID))
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
		for j := range l.f.Allowlists {
			a := l.f.Allowlists[j]
			if err := noAdvisory(&a); err != nil {
				return err
			}
			a.origin.trusted = l.trusted
			allows = append(allows, a)
		}
	}
	if len(all) > MaxConfigRules+len(bRules) {
		return fmt.Errorf("%s: %d rules; at most %d", configPath, len(all), MaxConfigRules+len(bRules))
	}
	if len(all) == 0 {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: WARNING: this configuration enables no rules at all; nothing will be detected", configPath))
	}
	cfg.Warnings = append(cfg.Warnings, targetWarnings(configPath, all, allows)...)
	cfg.Engine, err = NewEngine(all, allows)
	if err != nil {
		return fmt.Errorf("%s: %v", configPath, err)
	}
	// Compile the configuration's rules and allowlists now, so a bad regex
	// names its rule or allowlist before scanning.
	if _, err := cfg.Engine.global.get(); err != nil {
		return fmt.Errorf("%s: %v", configPath, err)
	}
	for _, r := range cfg.Engine.rules {
		if own[r.ID] {
			if err := r.compile(); err != nil {
				return fmt.Errorf("%s: %v", configPath, err)
			}
		}
	}
	untrusted := false
	for _, l := range layers {
		untrusted = untrusted || !l.trusted
		cfg.digest = fmt.Appendf(cfg.digest, "%t %d\n", l.trusted, len(l.data))
		cfg.digest = append(cfg.digest, l.data...)
	}
	if untrusted && !cfg.allowSuppression {
		if err := cfg.selfCheck(o.CacheDir); err != nil {
			return err
		}
	}
	return nil
}

// chainWarn reads one chain, keeping its warnings.
func chainWarn(cfg *Config, src *source, p string) ([]layer, error) {
	ls, warn, err := chain(src, p, map[string]bool{})
	cfg.Warnings = append(cfg.Warnings, warn...)
	return ls, err
}

// disabledKey is the spelling a file used for its disabled rules.
func disabledKey(loc *keyLocator) string {
	for _, k := range []string{"extend.disabledRules", "extend.disabled_rules", "disabledRules", "disabled_rules"} {
		if _, ok := loc.pos[k]; ok {
			return k
		}
	}
	return "extend.disabledRules"
}

// topRemediation is the remediation of the last file that sets one.
func topRemediation(layers []layer) *Remediation {
	var out *Remediation
	for _, l := range layers {
		if l.f.Remediation != (Remediation{}) {
			r := l.f.Remediation
			out = &r
		}
	}
	return out
}

// exists reports whether a configuration file is there to read (a
// dangling symlink is there, and fails to read).
func (s *source) exists(p string) bool {
	if s.stat != nil {
		return s.stat(p)
	}
	_, _, err := s.read(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}

// committedSource reads the repository's files as committed (Options.Committed).
func committedSource(o Options) *source {
	return &source{
		read: func(p string) ([]byte, string, error) {
			name := p
			if o.CommittedAt != "" {
				name = o.CommittedAt + ":" + p
			}
			if !filepath.IsLocal(filepath.FromSlash(p)) {
				return nil, name, fmt.Errorf("%s: is outside the repository", name)
			}
			data, err := o.Committed(p)
			if err != nil {
				return nil, name, err
			}
			if len(data) > MaxConfigBytes {
				return nil, name, fmt.Errorf("%s: larger than %d bytes; a configuration may have at most that", name, MaxConfigBytes)
			}
			return data, name, nil
		},
		join: func(from, ext string) (string, error) {
			if path.IsAbs(ext) || filepath.IsAbs(ext) {
				return "", fmt.Errorf("an absolute path, outside the repository; a repository's configuration may read only files inside it")
			}
			j := path.Join(path.Dir(from), filepath.ToSlash(ext))
			if !filepath.IsLocal(filepath.FromSlash(j)) {
				return "", fmt.Errorf("a path outside the repository; a repository's configuration may read only files inside it")
			}
			return j, nil
		},
	}
}

// loadIgnore reads the repository's .gitleaksignore, from the working tree
// (only inside the repository) or as committed.
func loadIgnore(o Options, root string) (*IgnoreList, []string, error) {
	if o.Committed != nil {
		data, err := o.Committed(".gitleaksignore")
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return ParseGitleaksIgnore(".gitleaksignore", data)
	}
	p := filepath.Join(root, ".gitleaksignore")
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	data, err := readConfig(p, root)
	if err != nil {
		return nil, nil, err
	}
	return ParseGitleaksIgnore(p, data)
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

// noAdvisory refuses a configuration's allowlist that says advisory: only
// leakhook's built-in allowlists report without blocking, or a committed
// configuration could make any finding a note.
func noAdvisory(a *Allowlist) error {
	if a.Advisory {
		return fmt.Errorf("%s.advisory: only leakhook's built-in allowlists may report without blocking; a configuration's allowlist suppresses (remove advisory)", a.origin.key)
	}
	return nil
}
