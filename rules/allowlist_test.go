package rules

import (
	"fmt"
	"strings"
	"testing"
)

// tokenEngine has one rule, test-token, whose values tests generate at run
// time (the repository stores no secret-shaped text).
func tokenEngine(t *testing.T, extra ...Allowlist) *Engine {
	t.Helper()
	e, err := NewEngine([]Rule{{ID: "test-token", Regex: `\b(tok_[a-z0-9]{24})\b`, Keywords: []string{"tok_"}}}, extra)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// tok returns a distinct generated test-token value.
func tok(t *testing.T, seed string) string {
	t.Helper()
	v, err := Expand("tok_{{lowalnum:24}}", seed)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// found scans content and returns the secrets found, with their lines.
func found(t *testing.T, e *Engine, path, content string) map[string]int {
	t.Helper()
	fs, err := e.Scan(&Target{Path: path, Content: []byte(content)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range fs {
		out[f.Secret] = f.Line
	}
	return out
}

// comment syntaxes: how a trailing comment and a whole-line comment look.
var syntaxes = []struct {
	name         string
	trail, whole string // %s is the marker
}{
	{"hash", `key = "%[1]s"  # %[2]s`, `# %s`},
	{"slashes", `const key = "%[1]s"; // %[2]s`, `// %s`},
	{"block", `key = "%[1]s"; /* %[2]s */`, `/* %s */`},
	{"html", `<key>%[1]s</key> <!-- %[2]s -->`, `<!-- %s -->`},
	{"sql", `SELECT '%[1]s'; -- %[2]s`, `-- %s`},
	{"ini", `key=%[1]s ; %[2]s`, `; %s`},
}

// TestSameLineMarkers: every same-line marker in every comment syntax hides
// the secret on its line and no other: not the line before, not the line after.
func TestSameLineMarkers(t *testing.T) {
	e := tokenEngine(t)
	for _, mkb := range defaultMarkers().sameLine {
		mk := string(mkb)
		for _, sx := range syntaxes {
			t.Run(mk+"/"+sx.name, func(t *testing.T) {
				before, allowed, after := tok(t, mk+sx.name+"0"), tok(t, mk+sx.name+"1"), tok(t, mk+sx.name+"2")
				content := strings.Join([]string{
					fmt.Sprintf(sx.trail, before, "nothing here"),
					fmt.Sprintf(sx.trail, allowed, mk),
					fmt.Sprintf(sx.trail, after, "nothing here"),
				}, "\n")
				got := found(t, e, "app/config.txt", content)
				if _, ok := got[allowed]; ok {
					t.Errorf("marker %q did not hide the secret on its line:\n%s", mk, content)
				}
				if got[before] != 1 || got[after] != 3 {
					t.Errorf("marker %q leaked to a neighbouring line: found %v\n%s", mk, got, content)
				}
			})
		}
	}
}

// TestNextLineMarkers: a next-line marker hides the following line only;
// the line carrying it, and the line after next, still report.
func TestNextLineMarkers(t *testing.T) {
	e := tokenEngine(t)
	for _, mkb := range defaultMarkers().nextLine {
		mk := string(mkb)
		for _, sx := range syntaxes {
			t.Run(mk+"/"+sx.name, func(t *testing.T) {
				onMarker, allowed, after := tok(t, mk+sx.name+"0"), tok(t, mk+sx.name+"1"), tok(t, mk+sx.name+"2")
				content := strings.Join([]string{
					fmt.Sprintf(sx.whole, mk),
					fmt.Sprintf(sx.trail, allowed, "fixture"),
					fmt.Sprintf(sx.trail, after, "fixture"),
					fmt.Sprintf(sx.trail, onMarker, mk),
				}, "\n")
				got := found(t, e, "app/config.txt", content)
				if _, ok := got[allowed]; ok {
					t.Errorf("marker %q did not hide the next line:\n%s", mk, content)
				}
				if got[after] != 3 {
					t.Errorf("marker %q reached two lines down: found %v", mk, got)
				}
				if got[onMarker] != 4 {
					t.Errorf("next-line marker %q hid a secret on its own line: found %v", mk, got)
				}
			})
		}
	}
}

// TestMarkerLookalikes: words that merely start like a marker allow nothing.
func TestMarkerLookalikes(t *testing.T) {
	e := tokenEngine(t)
	for _, comment := range []string{"gitleaks:allowed", "leakhook:allowance", "leakhook:allow-list", "leakhook:allow=", "leakhook:allow=abc", "leakhook:allow=zzzzzzzz", "leakhook: allow"} {
		s := tok(t, comment)
		if got := found(t, e, "a.py", fmt.Sprintf(`key = "%s"  # %s`, s, comment)); len(got) != 1 {
			t.Errorf("%q allowed the secret", comment)
		}
	}
}

// TestFingerprintBoundAllow: leakhook:allow=<fp> allows only the value it
// was written for; pasting another value on the line blocks again.
func TestFingerprintBoundAllow(t *testing.T) {
	e := tokenEngine(t)
	fixture, real := tok(t, "fixture"), tok(t, "real")
	fp := Fingerprint(fixture)[:8]
	for _, form := range []string{"# leakhook:allow=" + fp, "// leakhook:allow=" + fp + " test fixture", "/* leakhook:allow=" + Fingerprint(fixture) + " */"} {
		if got := found(t, e, "a.py", fmt.Sprintf(`key = "%s"  %s`, fixture, form)); len(got) != 0 {
			t.Errorf("%q did not allow its own value: %v", form, got)
		}
		if got := found(t, e, "a.py", fmt.Sprintf(`key = "%s"  %s`, real, form)); len(got) != 1 {
			t.Errorf("%q allowed a different value", form)
		}
	}
	// Two secrets on one line: the bound allow covers only its own.
	got := found(t, e, "a.py", fmt.Sprintf(`pair = ("%s", "%s")  # leakhook:allow=%s`, fixture, real, fp))
	if _, ok := got[fixture]; ok || len(got) != 1 {
		t.Errorf("bound allow on a two-secret line: found %v", got)
	}
	// Several bound allows on one line each cover their own value.
	both := fmt.Sprintf(`pair = ("%s", "%s")  # leakhook:allow=%s leakhook:allow=%s`, fixture, real, fp, Fingerprint(real)[:8])
	if got := found(t, e, "a.py", both); len(got) != 0 {
		t.Errorf("two bound allows: found %v", got)
	}
	// The next-line form binds too.
	next := fmt.Sprintf("# leakhook:allow-next-line=%s\nkey = \"%s\"\n", fp, real)
	if got := found(t, e, "a.py", next); len(got) != 1 {
		t.Errorf("allow-next-line=<other fp> allowed a different value")
	}
}

// TestPEMNextLine: a next-line marker before BEGIN covers the whole block; a
// second block after it still reports; a marker inside a block is not one
// before it.
func TestPEMNextLine(t *testing.T) {
	e := builtinEngine(t)
	pem := func(seed string) string {
		v, err := Expand("{{pem:RSA PRIVATE KEY}}", seed)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b := pem("a"), pem("b")
	for _, mk := range []string{"# leakhook:allow-next-line", "// pragma: allowlist nextline secret", "<!-- leakhook:allow-next-line=" + Fingerprint(a)[:8] + " -->"} {
		content := mk + "\n" + a + "\n\n" + b + "\n"
		fs, err := e.Scan(&Target{Path: "certs/test.pem", Content: []byte(content)})
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || fs[0].Secret != b {
			t.Errorf("%q: want only the second block, got %d findings", mk, len(fs))
			for _, f := range fs {
				t.Logf("  line %d %s", f.Line, f.RuleID)
			}
		}
	}
	// A same-line marker on the BEGIN line covers the block, too.
	lines := strings.SplitN(a, "\n", 2)
	content := lines[0] + " # leakhook:allow\n" + lines[1] + "\n"
	if fs, _ := e.Scan(&Target{Path: "k.pem", Content: []byte(content)}); len(fs) != 0 {
		t.Errorf("allow on the BEGIN line did not cover the block")
	}
	// A marker on the END line does not.
	content = a + " # leakhook:allow\n"
	if fs, _ := e.Scan(&Target{Path: "k.pem", Content: []byte(content)}); len(fs) != 1 {
		t.Errorf("allow on the END line hid the block")
	}
}

// TestMarkerInStagedHunk: in a diff hunk, a marker on a context line before
// an added secret still applies, and an added marker never hides an
// unchanged secret's neighbours.
func TestMarkerInStagedHunk(t *testing.T) {
	e := tokenEngine(t)
	s1, s2 := tok(t, "h1"), tok(t, "h2")
	content := "# leakhook:allow-next-line\nkey = \"" + s1 + "\"\nother = \"" + s2 + "\"\n"
	fs, err := e.Scan(&Target{Path: "a.py", Content: []byte(content), StartLine: 10, Added: []bool{false, true, true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Secret != s2 || fs[0].Line != 12 {
		t.Fatalf("got %+v", fs)
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		glob, path string
		want       bool
	}{
		{"docs/**", "docs/a.md", true},
		{"docs/**", "docs/x/y/z.txt", true},
		{"docs/**", "src/docs/a.md", false},
		{"*.md", "README.md", true},
		{"*.md", "docs/deep/guide.md", true},
		{"*.md", "docs/guide.mdx", false},
		{"**/testdata/**", "pkg/x/testdata/f.json", true},
		{"**/testdata/**", "testdata/f.json", true},
		{"**/*.pem", "a/b/c.pem", true},
		{"src/*.go", "src/a.go", true},
		{"src/*.go", "src/x/a.go", false},
	}
	for _, c := range cases {
		if got := globMatch(c.glob, c.path); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.glob, c.path, got, c.want)
		}
	}
}

func TestIsGlob(t *testing.T) {
	for p, want := range map[string]bool{
		"docs/**": true, "*.md": true, "**/fixtures/*.json": true,
		`^docs/`: false, `(?i)\.md$`: false, `fixtures/.*\.json`: false, "vendor/": false,
	} {
		if isGlob(p) != want {
			t.Errorf("isGlob(%q) = %v", p, !want)
		}
	}
}

// TestPathOnlyAllowlistSkipsRule: a rule whose findings a paths-only
// allowlist (its own or a global one targeting it) would all drop is not run
// on that file; an allowlist with any other criterion does not skip it.
func TestPathOnlyAllowlistSkipsRule(t *testing.T) {
	rs := []Rule{
		{ID: "a", Regex: `a=(\w+)`, Keywords: []string{"a="}, Allowlists: []Allowlist{{Paths: []string{`\.go$`}}}},
		{ID: "b", Regex: `b=(\w+)`, Keywords: []string{"b="}},
		{ID: "c", Regex: `c=(\w+)`, Keywords: []string{"c="}, Allowlists: []Allowlist{{Paths: []string{`\.go$`}, Regexes: []string{`^x`}, Condition: "AND"}}},
	}
	e, err := NewEngine(rs, []Allowlist{{TargetRules: []string{"b"}, Paths: []string{"docs/**"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rule int32
		path string
		want bool
	}{
		{0, "main.go", false}, {0, "app.env", true},
		{1, "docs/a/x.md", false}, {1, "main.go", true},
		{2, "main.go", true},
	} {
		s := e.getScratch(&e.bufs)
		if got := e.applies(s, &Target{Path: c.path}, c.rule); got != c.want {
			t.Errorf("rule %s on %s: applies %v, want %v", rs[c.rule].ID, c.path, got, c.want)
		}
		e.putScratch(&e.bufs, s)
	}
	fs, err := e.Scan(&Target{Path: "main.go", Content: []byte("a=1 b=2 c=3 c=x4")})
	if err != nil {
		t.Fatal(err)
	}
	if got := ruleIDs(fs); strings.Join(got, ",") != "b,c" {
		t.Errorf("findings %v, want b,c", got)
	}
}

// TestSuppressedListed: what an inline marker or a configuration's
// allowlist drops is listed in Target.Suppressed with its source (a path
// allowlist included: the rule still runs there so it can be counted).
func TestSuppressedListed(t *testing.T) {
	tok, _ := Expand("{{github:ghp}}", "a")
	key, _ := Expand("AKIA{{b32:16}}", "b")
	stop, _ := Expand("{{github:ghp}}", "c")
	cfg, err := loadToml(t, map[string]string{".leakhook.toml": "[[allowlists]]\ndescription = \"fixtures\"\npaths = ['''^fixtures/''']\n" +
		"[[rules]]\nid = \"github-token\"\n[[rules.allowlists]]\nstopwords = [\"" + strings.ToLower(stop[8:20]) + "\"]\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, text string
		kind       SuppressionKind
		key        string
	}{
		{"app.py", "t = '" + tok + "'  # gitleaks:allow\n", SuppressedInline, "gitleaks:allow"},
		{"app.py", "# leakhook:allow-next-line\nk = '" + key + "'\n", SuppressedInline, "leakhook:allow-next-line"},
		{"fixtures/a.py", "k = '" + key + "'\n", SuppressedAllowlist, ".leakhook.toml:1:1: allowlists[1]"},
		{"app.py", "t = '" + stop + "'\n", SuppressedAllowlist, ".leakhook.toml:6:1: rules[1].allowlists[1]"},
	} {
		tg := &Target{Path: c.path, Content: []byte(c.text)}
		fs, err := cfg.Engine.Scan(tg)
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 0 || len(tg.Suppressed) != 1 {
			t.Errorf("%s %q: %d findings, %d suppressed; want 0 and 1", c.path, c.key, len(fs), len(tg.Suppressed))
			continue
		}
		s := tg.Suppressed[0].Suppressed
		if s == nil || s.Kind != c.kind || !strings.HasSuffix(s.Key, c.key) {
			t.Errorf("%s: suppressed by %+v, want %s %s", c.path, s, c.kind, c.key)
		}
		if c.kind == SuppressedAllowlist && strings.HasPrefix(c.path, "fixtures/") && s.Description != "fixtures" {
			t.Errorf("description %q", s.Description)
		}
	}
	// Nothing suppressed: nothing listed; a rescan starts afresh.
	tg := &Target{Path: "app.py", Content: []byte("t = '" + tok + "'\n")}
	if fs, _ := cfg.Engine.Scan(tg); len(fs) != 1 || len(tg.Suppressed) != 0 {
		t.Errorf("plain token: %d findings, %d suppressed", len(fs), len(tg.Suppressed))
	}
}

// TestMarkersCommonWords: the words finding searches a line for first are
// in every marker, so a line without them holds none.
func TestMarkersCommonWords(t *testing.T) {
	m := defaultMarkers()
	for _, mk := range append(append([][]byte(nil), m.sameLine...), m.nextLine...) {
		if !m.mayHold(mk) {
			t.Errorf("marker %q holds none of the common words: which would never see it", mk)
		}
	}
	if (&markerSet{}).mayHold([]byte("no words")) != true {
		t.Error("a set without common words must not rule lines out")
	}
}
