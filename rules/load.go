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
	Warnings    []string // unknown keys and other things the user should fix
	Source      string   // the configuration file, if any
}

// Remediation is the team's choice of where secrets go, used by block messages.
type Remediation struct {
	Vault      string `toml:"vault"`      // env (default), aws, hashicorp or conjur
	SecretPath string `toml:"secretPath"` // e.g. "secret/data/{repo}/{name}"
	EnvFile    string `toml:"envFile"`    // default ".env"
}

var builtin struct {
	once     sync.Once
	rules    []Rule
	allows   []Allowlist
	err      error
}

// Builtin returns the embedded rules and global allowlists, parsed once.
func Builtin() ([]Rule, []Allowlist, error) {
	builtin.once.Do(func() {
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
		warn = append(warn, fmt.Sprintf("%s: unknown key %q (ignored)", name, k.String()))
	}
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
		if r.Regex == "" {
			return nil, warn, fmt.Errorf("%s: missing regex", where)
		}
		if !validateKinds[r.Validate] {
			return nil, warn, fmt.Errorf("%s: unknown validate %q (want github, jwt or base64)", where, r.Validate)
		}
	}
	return &f, warn, nil
}

// Load builds the rule set for a repository: the built-in rules extended by
// the configuration at configPath (if it is empty, root/.leakhook.toml when it
// exists). Every error names the file and, where it can, the line and rule.
func Load(root, configPath string) (*Config, error) {
	bRules, bAllows, err := Builtin()
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %v", err)
	}
	cfg := &Config{MaxFileSize: DefaultMaxFileSize}
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
	data, err := os.ReadFile(configPath)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %v", err)
	}
	cfg.Source = configPath
	user, warn, err := parse(configPath, data)
	cfg.Warnings = append(cfg.Warnings, warn...)
	if err != nil {
		return nil, err
	}
	cfg.Remediation = user.Remediation
	if user.Scan.MaxFileSize > 0 {
		cfg.MaxFileSize = user.Scan.MaxFileSize
	}

	useDefault := user.Extend.UseDefault == nil || *user.Extend.UseDefault
	var all []Rule
	var allows []Allowlist
	if useDefault {
		disabled := map[string]bool{}
		for _, id := range user.Extend.DisabledRules {
			disabled[id] = true
		}
		own := map[string]bool{}
		for _, r := range user.Rules {
			own[r.ID] = true
		}
		known := map[string]bool{}
		for _, r := range bRules {
			known[r.ID] = true
			if !disabled[r.ID] && !own[r.ID] { // a user rule with a built-in id replaces it
				all = append(all, r)
			}
		}
		for id := range disabled {
			if !known[id] {
				cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: disabledRules names unknown rule %q", configPath, id))
			}
		}
		allows = append(allows, bAllows...)
	}
	all = append(all, user.Rules...)
	allows = append(allows, user.Allowlists...)
	if len(all) == 0 {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s: WARNING: this configuration enables no rules at all; nothing will be detected", configPath))
	}
	cfg.Engine, err = NewEngine(all, allows)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", configPath, err)
	}
	// Compile the user's own rules now, so a bad regex names its rule before scanning.
	for _, r := range cfg.Engine.rules {
		if user.has(r.ID) {
			if err := r.compile(); err != nil {
				return nil, fmt.Errorf("%s: %v", configPath, err)
			}
		}
	}
	return cfg, nil
}

func (f *file) has(id string) bool {
	for _, r := range f.Rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Language-neutral helper for messages: the rule's env var, or one derived from its id.
func (r *Rule) EnvName() string {
	if r.EnvVar != "" {
		return r.EnvVar
	}
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(r.ID))
}
