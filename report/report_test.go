package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Fixed, fake values of testdata/rules.toml's rules; the golden files hold
// them masked only.
var (
	ghToken = "acme_" + strings.Repeat("Xq7", 12)
	awsID   = "ACME" + "Q7ZP3RWX" + "4KM2TB6N"
	// Suppressed ones: they are masked like the rest.
	fixtureToken = "acme_" + strings.Repeat("Fx3", 12)
	markedID     = "ACME" + "M4RK3DZZ" + "9QW2XC5V"
	knownToken   = "acme_" + strings.Repeat("Kn5", 12)
)

// fingerprints are fixed, so the golden files do not change with the
// fingerprint's algorithm.
var fingerprints = map[string]string{awsID: "5780f4800a66", ghToken: "bdcba9921f3e"}

func finding(rule, name, path string, line, col int, secret, lineText string) rules.Finding {
	return rules.Finding{
		RuleID: rule, RuleName: name, Path: path, Line: line, Column: col, EndLine: line,
		Secret: secret, LineText: lineText, Fingerprint: fingerprints[secret], Entropy: 4.5,
		StoredFingerprint: "v2:" + fingerprints[secret] + "0123456789abcdef",
	}
}

// fixture is one commit's worth of findings: two secrets on one line of a
// Python file (so each must be masked in the other's line), one in a path
// that needs escaping in a URI, and a file that was not scanned.
func fixture() ([]rules.Finding, []scan.Skipped) {
	line := "creds = ('" + awsID + "', '" + ghToken + "')\n"
	fs := []rules.Finding{
		finding("acme-access-key", "ACME access key", "app/settings.py", 12, 10, awsID, line),
		finding("acme-token", "ACME token", "app/settings.py", 12, 34, ghToken, line),
		finding("acme-token", "ACME token", "deploy/my config.env", 3, 14, ghToken, "ACME_TOKEN="+ghToken+"\n"),
	}
	skipped := []scan.Skipped{{Path: "assets/big.bin", Reason: "larger than the size cap (10485760 bytes)"}}
	return fs, skipped
}

// suppressedFixture is what a scan of the fixture left out: a token in a
// test fixture an allowlist with a description covers, an access key
// marked inline on the line of a reported token (whose excerpt must mask
// it too), and a token the baseline knows.
func suppressedFixture() (reported rules.Finding, suppressed []rules.Finding) {
	line := "keys = ['" + markedID + "', '" + ghToken + "']  # leakhook:allow=0011aabb\n"
	reported = finding("acme-token", "ACME token", "app/keys.py", 4, 25, ghToken, line)
	marked := finding("acme-access-key", "ACME access key", "app/keys.py", 4, 10, markedID, line)
	marked.StoredFingerprint = ""
	marked.Suppressed = &rules.Suppression{Kind: rules.SuppressedInline, Key: "leakhook:allow"}
	fx := finding("acme-token", "ACME token", "tests/fixture.env", 2, 11, fixtureToken, "ACME_TOKEN="+fixtureToken+"\n")
	fx.StoredFingerprint = ""
	fx.Suppressed = &rules.Suppression{Kind: rules.SuppressedAllowlist, Key: ".leakhook.toml:2:1: allowlists[1]", Description: "test fixtures"}
	fx2 := fx
	fx2.Line, fx2.EndLine = 3, 3
	known := finding("acme-token", "ACME token", "app/old.py", 7, 9, knownToken, "TOKEN = '"+knownToken+"'\n")
	known.Suppressed = &rules.Suppression{Kind: rules.SuppressedBaseline, Key: ".leakhook-baseline"}
	return reported, []rules.Finding{fx, fx2, marked, known}
}

func engine(t *testing.T) *rules.Engine {
	t.Helper()
	cfg, err := rules.Load(t.TempDir(), filepath.Join("testdata", "rules.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Engine
}

func options(mode Mode) Options {
	return Options{Mode: mode, Version: "v1.2.3", Remediation: remedy.Options{Repo: "shop"}}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it; review the diff):\n--- got\n%s", name, got)
	}
	for _, s := range []string{awsID, ghToken, fixtureToken, markedID, knownToken} {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("%s shows a secret in full", name)
		}
	}
}

// TestTextCommit: the pre-commit message, with a baseline in use (one
// finding labelled new, one known secret left out) and a skipped file.
func TestTextCommit(t *testing.T) {
	fs, skipped := fixture()
	o := options(ModeCommit)
	reported, suppressed := suppressedFixture()
	fs = append(fs, reported)
	o.Suppressed = suppressed
	o.Note = func(f *rules.Finding) string {
		if f.Path == "deploy/my config.env" {
			return "new"
		}
		return ""
	}
	var b bytes.Buffer
	Text(&b, fs, skipped, engine(t), o)
	golden(t, "commit.txt", b.Bytes())
}

// TestTextPush: the pre-push message names each commit and ref and gives
// the exact rebase from the oldest commit with a secret.
func TestTextPush(t *testing.T) {
	fs, _ := fixture()
	child, parent := strings.Repeat("c", 40), strings.Repeat("b", 40)
	fs[0].Commit, fs[0].Subject, fs[0].Ref = parent, "add settings", "refs/heads/main"
	fs[1].Commit, fs[1].Subject, fs[1].Ref = parent, "add settings", "refs/heads/main"
	fs[2].Commit, fs[2].Subject, fs[2].Ref = child, "deploy config", "refs/heads/main"
	o := options(ModePush)
	o.History = []scan.Commit{
		{ID: child, Parent: parent, Subject: "deploy config", Ref: "refs/heads/main"},
		{ID: parent, Parent: strings.Repeat("a", 40), Subject: "add settings", Ref: "refs/heads/main"},
	}
	var b bytes.Buffer
	Text(&b, fs, nil, engine(t), o)
	golden(t, "push.txt", b.Bytes())
}

// TestTextClean: nothing found and nothing skipped prints nothing; a scan
// with only baselined secrets says so in one line.
func TestTextClean(t *testing.T) {
	var b bytes.Buffer
	Text(&b, nil, nil, engine(t), options(ModeCommit))
	if b.Len() != 0 {
		t.Fatalf("clean run printed %q", b.String())
	}
	o := options(ModeScan)
	_, o.Suppressed = suppressedFixture()
	Text(&b, nil, nil, engine(t), o)
	golden(t, "scan-known.txt", b.Bytes())
	// A hook that passes says nothing, whatever was suppressed.
	b.Reset()
	o.Mode = ModeCommit
	Text(&b, nil, nil, engine(t), o)
	if b.Len() != 0 {
		t.Fatalf("clean commit printed %q", b.String())
	}
}

func TestJSON(t *testing.T) {
	fs, skipped := fixture()
	fs[2].Commit, fs[2].Subject, fs[2].Ref = strings.Repeat("c", 40), "deploy config", "refs/heads/main"
	var b bytes.Buffer
	if err := JSON(&b, fs, skipped, options(ModeScan)); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.json", b.Bytes())

	b.Reset()
	o := options(ModeScan)
	reported, suppressed := suppressedFixture()
	o.Suppressed = suppressed
	if err := JSON(&b, []rules.Finding{reported}, nil, o); err != nil {
		t.Fatal(err)
	}
	golden(t, "suppressed.json", b.Bytes())

	b.Reset()
	if err := JSON(&b, nil, nil, options(ModeScan)); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"findings\": [],\n  \"suppressions\": {\n    \"total\": 0,\n    \"by\": []\n  }\n}\n"; b.String() != want {
		t.Fatalf("clean JSON is %q, want %q", b.String(), want)
	}
}

func TestSARIF(t *testing.T) {
	fs, _ := fixture()
	fs[2].Commit = strings.Repeat("c", 40)
	var b bytes.Buffer
	if err := SARIF(&b, fs, engine(t), options(ModeScan)); err != nil {
		t.Fatal(err)
	}
	golden(t, "findings.sarif", b.Bytes())

	// Suppressed findings are results with result.suppressions: inSource
	// for the inline marker, external for the allowlist and the baseline.
	b.Reset()
	o := options(ModeScan)
	reported, suppressed := suppressedFixture()
	o.Suppressed = suppressed
	if err := SARIF(&b, []rules.Finding{reported}, engine(t), o); err != nil {
		t.Fatal(err)
	}
	golden(t, "suppressed.sarif", b.Bytes())
}

// TestTextShowsAtMostSoManyPerFile: a file with a finding on each of
// thousands of lines took seconds to report, a block per finding. The text
// shows MaxShownPerFile of them per file, counts the rest, and still
// says every secret in the summary; other files are shown in full.
func TestTextShowsAtMostSoManyPerFile(t *testing.T) {
	var fs []rules.Finding
	for i := 1; i <= MaxShownPerFile+7; i++ {
		fs = append(fs, finding("acme-token", "ACME token", "dump.txt", i, 7, ghToken, "TOKEN="+ghToken+"\n"))
	}
	fs = append(fs, finding("acme-access-key", "ACME access key", "app.py", 3, 5, awsID, "K = '"+awsID+"'\n"))
	var b bytes.Buffer
	Text(&b, fs, nil, engine(t), options(ModeCommit))
	out := b.String()
	if n := len(regexp.MustCompile(`(?m)^dump\.txt:\d+:`).FindAllString(out, -1)); n != MaxShownPerFile {
		t.Errorf("dump.txt shown %d times, want %d:\n%s", n, MaxShownPerFile, out)
	}
	for _, want := range []string{"dump.txt: 7 more findings not shown", "app.py:3:5", fmt.Sprintf("%d secrets in 2 files", MaxShownPerFile+8)} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
}
