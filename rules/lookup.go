package rules

import (
	"sort"
	"strings"
)

// FindRule looks the id up in the rules in effect (the repository's own
// included), then in the built-in set, so a disabled rule can be explained.
func (cfg *Config) FindRule(id string) *Rule {
	if r := cfg.Engine.Rule(id); r != nil {
		return r
	}
	all, _, err := Builtin()
	if err != nil {
		return nil
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i]
		}
	}
	return nil
}

// NearRules suggests up to five rule ids in effect that contain, or are
// contained in, id (what was typed).
func (cfg *Config) NearRules(id string) []string {
	id = strings.ToLower(id)
	var out []string
	for _, r := range cfg.Engine.Rules() {
		if id != "" && (strings.Contains(r.ID, id) || strings.Contains(id, r.ID)) {
			out = append(out, r.ID)
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = out[:5]
	}
	return out
}
