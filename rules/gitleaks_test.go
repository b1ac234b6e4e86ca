package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gen expands a generator template for a test value.
func gen(t *testing.T, tmpl, seed string) string {
	t.Helper()
	v, err := Expand(tmpl, seed)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// scanIDs scans content at path and returns the rule ids found.
func scanIDs(t *testing.T, e *Engine, path, content string) []string {
	t.Helper()
	fs, err := e.Scan(&Target{Path: path, Content: []byte(content)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.RuleID)
	}
	return ids
}

// TestGitleaksConfigAsIs loads a gitleaks-format team configuration with
// --config and checks each feature it uses behaves, and that what leakhook
// does not support is named in a warning.
func TestGitleaksConfigAsIs(t *testing.T) {
	root := t.TempDir()
	cfg, err := Load(root, "testdata/gitleaks-team.toml")
	if err != nil {
		t.Fatal(err)
	}
	warn := strings.Join(cfg.Warnings, "\n")
	for _, want := range []string{`gitleaks key "minVersion"`, `gitleaks key "rules.skipReport"`, `gitleaks key "rules.required`} {
		if !strings.Contains(warn, want) {
			t.Errorf("no warning naming %s; warnings:\n%s", want, warn)
		}
	}
	e := cfg.Engine
	if e.Rule("generic-password") != nil {
		t.Error("disabledRules kept generic-password")
	}
	if e.Rule("aws-access-key-id") == nil {
		t.Error("useDefault = true lost the built-in rules")
	}

	live := gen(t, "acme_live_{{lowalnum:32}}", "live")
	test := gen(t, "acme_test_{{lowalnum:32}}", "test")
	demo := gen(t, "acme_live_demo{{lowalnum:28}}", "demo")
	cases := []struct {
		path, content string
		want          string // rule id expected, "" for none
	}{
		{"src/client.go", `token := "` + live + `"`, "acme-internal-token"},
		{"src/client.go", `ref := "` + test + `"`, ""},                   // rule allowlist, regexTarget secret
		{"pkg/testdata/tokens.txt", live + "  # fixture", ""},            // AND: path and line
		{"pkg/testdata/tokens.txt", live, "acme-internal-token"},         // AND: path alone is not enough
		{"src/fixture.txt", live + "  # fixture", "acme-internal-token"}, // AND: line alone is not enough
		{"src/client.go", `ref := "` + demo + `"`, ""},                   // global allowlist with targetRules
		{"vendor/lib/x.go", `token := "` + live + `"`, ""},               // global [allowlist] path
		{"docs/SETUP.md", `token: ` + live, ""},                          // global [allowlist] path, case-insensitive regex
		{"src/db.py", "DSN = 'acmedb://app:" + gen(t, "{{alnum:20}}", "pw") + "@db.acme.internal/app'", "acme-db-password"},
		{"src/db.py", "DSN = 'acmedb://app:localdev_" + gen(t, "{{alnum:12}}", "pw2") + "@db.acme.internal/app'", ""}, // legacy [rules.allowlist] stopwords
		{"src/gh.py", `GH = "` + gen(t, "{{github:ghp}}", "gh") + `"`, "github-token"},
		{"ci/mock-github/gh.py", `GH = "` + gen(t, "{{github:ghp}}", "gh") + `"`, ""}, // allowlist added to a built-in rule by id
	}
	for _, c := range cases {
		got := scanIDs(t, e, c.path, c.content)
		if c.want == "" && len(got) != 0 || c.want != "" && (len(got) != 1 || got[0] != c.want) {
			t.Errorf("%s: %q: got %v, want %q", c.path, c.content[:min(40, len(c.content))], got, c.want)
		}
	}

	// Allowlist commits apply to findings from history.
	f := Finding{RuleID: "acme-internal-token", Path: "src/a.go", Line: 1, Secret: live, Commit: "8d2b0c7e5f1a3b9c4d6e8f0a2b4c6d8e0f1a2b3c"}
	if !cfg.Suppressed(&f) {
		t.Error("allowlist commits did not suppress a finding from that commit")
	}
	f.Commit = "1111111e5f1a3b9c4d6e8f0a2b4c6d8e0f1a2b3c"
	if cfg.Suppressed(&f) {
		t.Error("allowlist commits suppressed a finding from another commit")
	}
	f.Commit = ""
	if cfg.Suppressed(&f) {
		t.Error("allowlist commits suppressed a staged finding")
	}
}

func TestGitleaksIgnore(t *testing.T) {
	root := t.TempDir()
	ignore := `# findings reviewed 2025-06
src/app.py:acme-internal-token:3
8d2b0c7e5f1a3b9c4d6e8f0a2b4c6d8e0f1a2b3c:config/prod.env:github-token:12
8d2b0c7:weird:name.txt:github-token:1
not a fingerprint
`
	if err := os.WriteFile(filepath.Join(root, ".gitleaksignore"), []byte(ignore), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Ignore.Len() != 3 {
		t.Fatalf("loaded %d fingerprints, want 3", cfg.Ignore.Len())
	}
	if w := strings.Join(cfg.Warnings, "\n"); !strings.Contains(w, ".gitleaksignore:5: not a gitleaks fingerprint") {
		t.Errorf("bad line not reported: %s", w)
	}
	for _, c := range []struct {
		f    Finding
		want bool
	}{
		{Finding{Path: "src/app.py", RuleID: "acme-internal-token", Line: 3}, true},
		{Finding{Path: "src/app.py", RuleID: "acme-internal-token", Line: 3, Commit: "abcdef0123"}, true}, // file form: any commit
		{Finding{Path: "src/app.py", RuleID: "acme-internal-token", Line: 4}, false},
		{Finding{Path: "src/app.py", RuleID: "github-token", Line: 3}, false},
		{Finding{Path: "config/prod.env", RuleID: "github-token", Line: 12, Commit: "8d2b0c7e5f1a3b9c4d6e8f0a2b4c6d8e0f1a2b3c"}, true},
		{Finding{Path: "config/prod.env", RuleID: "github-token", Line: 12, Commit: "9d2b0c7e5f1a3b9c4d6e8f0a2b4c6d8e0f1a2b3c"}, false},
		{Finding{Path: "config/prod.env", RuleID: "github-token", Line: 12}, false}, // commit form needs the commit
		{Finding{Path: "weird:name.txt", RuleID: "github-token", Line: 1, Commit: "8d2b0c7e5f1a3b9c4d6e8f0a2b4c6d8e0f1a2b3c"}, true},
	} {
		if got := cfg.Suppressed(&c.f); got != c.want {
			t.Errorf("%+v: suppressed=%v, want %v", c.f, got, c.want)
		}
	}
}
