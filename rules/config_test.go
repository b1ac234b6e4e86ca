package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadToml writes files (name -> content) into a temp root and loads its .leakhook.toml.
func loadToml(t *testing.T, files map[string]string) (*Config, error) {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Load(root, "")
}

func mustLoad(t *testing.T, toml string, extra ...string) *Config {
	t.Helper()
	files := map[string]string{".leakhook.toml": toml}
	for i := 0; i+1 < len(extra); i += 2 {
		files[extra[i]] = extra[i+1]
	}
	cfg, err := loadToml(t, files)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

const tokenRule = `
[[rules]]
id = "test-token"
regex = '''\b(tok_[a-z0-9]{24})\b'''
keywords = ["tok_"]
`

func TestPathAllowlists(t *testing.T) {
	cfg := mustLoad(t, tokenRule+`
[allowlist]
paths = ["docs/**", "*.md", '''^fixtures/.*\.json$''']
`)
	s := "v = " + gen(t, "tok_{{lowalnum:24}}", "p")
	for path, want := range map[string]int{
		"docs/guide.txt": 0, "docs/a/b/c.yaml": 0, "README.md": 0, "src/notes/HOWTO.md": 0,
		"fixtures/keys.json": 0, "fixtures/keys.yaml": 1, "src/docs/app.py": 1, "src/app.py": 1, "README.mdx": 1,
	} {
		if got := len(scanIDs(t, cfg.Engine, path, s)); got != want {
			t.Errorf("%s: %d findings, want %d", path, got, want)
		}
	}
}

func TestRegexTargetsAndStopwords(t *testing.T) {
	v := gen(t, "tok_{{lowalnum:24}}", "r")
	for _, c := range []struct {
		allow, line string
		want        int
	}{
		{`regexes = ['''^tok_'''] `, "x = " + v, 0},                                   // secret (default)
		{`regex_target = "secret"` + "\n" + `regexes = ['''^x = ''']`, "x = " + v, 1}, // secret does not see the line
		{`regexTarget = "line"` + "\n" + `regexes = ['''^x = ''']`, "x = " + v, 0},
		{`regexTarget = "match"` + "\n" + `regexes = ['''^tok_''']`, "x = " + v, 0},
		{`regexTarget = "match"` + "\n" + `regexes = ['''^x''']`, "x = " + v, 1}, // the match is not the line
		{`stopwords = ["` + v[4:10] + `"]`, "x = " + v, 0},
		{`stopwords = ["zzzzzz"]`, "x = " + v, 1},
		{`condition = "AND"` + "\n" + `paths = ["docs/**"]` + "\n" + `stopwords = ["` + v[4:10] + `"]`, "x = " + v, 1}, // path fails
	} {
		cfg := mustLoad(t, tokenRule+"\n[[allowlists]]\n"+c.allow+"\n")
		if got := len(scanIDs(t, cfg.Engine, "src/a.py", c.line)); got != c.want {
			t.Errorf("allowlist %q: %d findings, want %d", c.allow, got, c.want)
		}
	}
}

func TestDisabledRulesSpellings(t *testing.T) {
	for _, toml := range []string{
		"[extend]\ndisabledRules = [\"github-token\"]\n",
		"[extend]\ndisabled_rules = [\"github-token\"]\n",
		"disabled_rules = [\"github-token\"]\n",
		"disabledRules = [\"github-token\"]\n",
	} {
		cfg := mustLoad(t, toml)
		if cfg.Engine.Rule("github-token") != nil {
			t.Errorf("%q did not disable github-token", toml)
		}
		if cfg.Engine.Rule("aws-access-key-id") == nil {
			t.Errorf("%q disabled other rules", toml)
		}
		if len(cfg.Warnings) != 0 {
			t.Errorf("%q: warnings %v", toml, cfg.Warnings)
		}
	}
	cfg := mustLoad(t, "[extend]\ndisabledRules = [\"no-such-rule\"]\n")
	if !strings.Contains(strings.Join(cfg.Warnings, ""), `unknown rule "no-such-rule"`) {
		t.Errorf("unknown disabled rule not reported: %v", cfg.Warnings)
	}
}

func TestUseDefault(t *testing.T) {
	on := mustLoad(t, tokenRule)
	if on.Engine.Rule("github-token") == nil || on.Engine.Rule("test-token") == nil {
		t.Error("default: built-in rules must stay on next to own rules")
	}
	// Only a trusted configuration (--config) may turn the built-ins off.
	trusted := func(toml string) *Config {
		t.Helper()
		p := filepath.Join(t.TempDir(), "team.toml")
		if err := os.WriteFile(p, []byte(toml), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(t.TempDir(), p)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	for _, spelling := range []string{"useDefault", "use_default"} {
		off := trusted("[extend]\n" + spelling + " = false\n" + tokenRule)
		if len(off.Engine.Rules()) != 1 || off.Engine.Rule("test-token") == nil {
			t.Errorf("%s = false: rules %d, want only test-token", spelling, len(off.Engine.Rules()))
		}
	}
	empty := trusted("[extend]\nuseDefault = false\n")
	if !strings.Contains(strings.Join(empty.Warnings, ""), "enables no rules at all") {
		t.Errorf("empty rule set not warned: %v", empty.Warnings)
	}
}

func TestExtendBuiltinRuleByID(t *testing.T) {
	gh := `GH = "` + gen(t, "{{github:ghp}}", "x") + `"`
	for _, toml := range []string{
		"[[rules]]\nid = \"github-token\"\n[[rules.allowlists]]\npaths = [\"mocks/**\"]\n",
		"[[allowlists]]\ntargetRules = [\"github-token\"]\npaths = [\"mocks/**\"]\n",
		"[[allowlists]]\ntarget_rules = [\"github-token\"]\npaths = [\"mocks/**\"]\n",
	} {
		cfg := mustLoad(t, toml)
		if got := scanIDs(t, cfg.Engine, "mocks/gh.py", gh); len(got) != 0 {
			t.Errorf("%q: allowlist not applied: %v", toml, got)
		}
		if got := scanIDs(t, cfg.Engine, "src/gh.py", gh); len(got) != 1 {
			t.Errorf("%q: rule lost its detection: %v", toml, got)
		}
	}
	// targetRules limits the allowlist to the rules it names.
	cfg := mustLoad(t, tokenRule+"[[allowlists]]\ntargetRules = [\"github-token\"]\npaths = [\"mocks/**\"]\n")
	if got := scanIDs(t, cfg.Engine, "mocks/t.py", "x = "+gen(t, "tok_{{lowalnum:24}}", "m")); len(got) != 1 {
		t.Errorf("targetRules allowlist applied to another rule")
	}
	cfg = mustLoad(t, "[[allowlists]]\ntargetRules = [\"githb-token\"]\npaths = [\"mocks/**\"]\n")
	if !strings.Contains(strings.Join(cfg.Warnings, ""), `targetRules names unknown rule "githb-token"`) {
		t.Errorf("typo in targetRules not reported: %v", cfg.Warnings)
	}
	if _, err := loadToml(t, map[string]string{".leakhook.toml": "[[rules]]\nid = \"no-such\"\n"}); err == nil || !strings.Contains(err.Error(), `rule "no-such": missing regex`) {
		t.Errorf("rule without regex and base: %v", err)
	}
}

func TestExtendPath(t *testing.T) {
	cfg := mustLoad(t, "[extend]\npath = \"config/team.toml\"\ndisabledRules = [\"test-token\"]\n"+`
[[rules]]
id = "local-token"
regex = '''\b(loc_[a-z0-9]{24})\b'''
keywords = ["loc_"]
`, "config/team.toml", tokenRule+"[extend]\npath = \"base.toml\"\n", "config/base.toml", "[allowlist]\npaths = [\"third_party/**\"]\n")
	if cfg.Engine.Rule("local-token") == nil || cfg.Engine.Rule("github-token") == nil {
		t.Error("own or built-in rules missing")
	}
	if cfg.Engine.Rule("test-token") != nil {
		t.Error("disabledRules did not reach a rule from the extended file")
	}
	if got := scanIDs(t, cfg.Engine, "third_party/x.py", "v = "+gen(t, "loc_{{lowalnum:24}}", "l")); len(got) != 0 {
		t.Error("allowlist two files down the chain not applied")
	}
	_, err := loadToml(t, map[string]string{".leakhook.toml": "[extend]\npath = \"a.toml\"\n", "a.toml": "[extend]\npath = \".leakhook.toml\"\n"})
	if err == nil || !strings.Contains(err.Error(), "loops back") {
		t.Errorf("extend loop: %v", err)
	}
	_, err = loadToml(t, map[string]string{".leakhook.toml": "[extend]\npath = \"missing.toml\"\n"})
	if err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Errorf("missing extend path: %v", err)
	}
}

func TestConfigErrorsNameTheLine(t *testing.T) {
	_, err := loadToml(t, map[string]string{".leakhook.toml": "[[allowlists]]\npaths = [\"a\"\n"})
	if err == nil || !strings.Contains(err.Error(), ".leakhook.toml:") {
		t.Errorf("syntax error: %v", err)
	}
	_, err = loadToml(t, map[string]string{".leakhook.toml": "[[allowlists]]\nregexes = ['''(''']\n"})
	if err == nil || !strings.Contains(err.Error(), "allowlist") {
		t.Errorf("bad allowlist regex: %v", err)
	}
	cfg := mustLoad(t, "[allowlist]\npathz = [\"docs/**\"]\n")
	if !strings.Contains(strings.Join(cfg.Warnings, ""), `unknown key "allowlist.pathz"`) {
		t.Errorf("misspelt key not reported: %v", cfg.Warnings)
	}
}
