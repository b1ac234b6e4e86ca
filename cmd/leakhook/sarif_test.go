package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/rules"
)

// runCaptured runs the CLI in-process and returns its exit code and stdout.
func runCaptured(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout strings.Builder
	code := run(args, strings.NewReader(""), &stdout, io.Discard)
	return code, stdout.String()
}

// expandTree copies testdata/realistic with its generators expanded.
func expandTree(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	if err := rules.ExpandTree(filepath.Join("..", "..", "testdata", "realistic"), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestScanSARIF checks `leakhook scan --format sarif DIR` on realistic code:
// every seed type is reported with a relative URI, line and column, no secret
// appears in the log, and Microsoft's SARIF validator (when installed, as CI
// does) accepts it.
func TestScanSARIF(t *testing.T) {
	dir := expandTree(t)
	code, out := runCaptured(t, "scan", "--format", "sarif", dir)
	if code != exitFound {
		t.Fatalf("exit %d, want %d", code, exitFound)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct{ StartLine, StartColumn int }
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	seen := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		seen[r.RuleID] = true
		loc := r.Locations[0].PhysicalLocation
		if strings.HasPrefix(loc.ArtifactLocation.URI, "/") || strings.Contains(loc.ArtifactLocation.URI, "file:") {
			t.Errorf("artifact URI %q is not relative", loc.ArtifactLocation.URI)
		}
		if loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 {
			t.Errorf("bad region %+v", loc.Region)
		}
	}
	for _, id := range []string{"smtp-password-config", "smtp-password-context", "smtp-login-password", "mailjet-api-key", "mailjet-secret-key",
		"aws-access-key-id", "aws-secret-access-key", "aws-ses-smtp-password", "mailgun-api-key", "mailgun-sending-key", "crates-io-token"} {
		if !seen[id] {
			t.Errorf("no SARIF result for %s", id)
		}
	}
	// No secret from the tree appears in any format's output.
	_, full := runCaptured(t, "scan", "--format", "json", "--show-secrets", dir)
	var report struct{ Findings []struct{ Secret string } }
	err := json.Unmarshal([]byte(full), &report)
	secrets := report.Findings
	if err != nil || len(secrets) < 20 {
		t.Fatalf("--show-secrets JSON: %v (%d findings)", err, len(secrets))
	}
	textOut := filepath.Join(t.TempDir(), "report.txt")
	runCaptured(t, "scan", "--output", textOut, dir)
	text, _ := os.ReadFile(textOut)
	_, masked := runCaptured(t, "scan", "--format", "json", dir)
	for name, o := range map[string]string{"sarif": out, "text": string(text), "json": masked} {
		for _, f := range secrets {
			if strings.Contains(o, f.Secret) {
				t.Errorf("%s output shows a secret (%d chars)", name, len(f.Secret))
			}
		}
	}
	validateSARIF(t, out)
}

func validateSARIF(t *testing.T, log string) {
	tool, err := exec.LookPath("sarif-multitool")
	if err != nil {
		t.Log("sarif-multitool not installed (npm install @microsoft/sarif-multitool); skipping schema validation")
		return
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.sarif"), filepath.Join(dir, "out.sarif")
	os.WriteFile(in, []byte(log), 0o644)
	if msg, err := exec.Command(tool, "validate", in, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("sarif-multitool: %v\n%s", err, msg)
	}
	var res struct {
		Runs []struct {
			Results []struct {
				Level   string
				Message struct{ Text string }
			}
		}
	}
	data, _ := os.ReadFile(out)
	json.Unmarshal(data, &res)
	for _, r := range res.Runs {
		for _, x := range r.Results {
			if x.Level == "error" {
				t.Errorf("SARIF validator: %s", x.Message.Text)
			}
		}
	}
}

// secretRE finds the generated secrets of TestSARIFSuppressions.
var secretRE = regexp.MustCompile(`AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}`)

// TestSARIFSuppressions: what an allowlist or an inline marker suppressed
// is in the SARIF log as suppressed results (result.suppressions, kind
// "external" or "inSource", with a justification naming the source), which
// Microsoft's validator accepts, and no suppressed secret is in it.
func TestSARIFSuppressions(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".leakhook.toml": "[[allowlists]]\ndescription = \"test fixtures\"\npaths = ['''^tests/''']\n",
		"tests/keys.env": "AWS_ACCESS_KEY_ID=AKIA{{b32:16}}\n",
		"app/marked.py":  "KEY = \"AKIA{{b32:16}}\"  # leakhook:allow\n",
		"app/real.py":    "TOKEN = \"{{github:ghp}}\"\n",
	}
	var secrets []string
	for name, tmpl := range files {
		text, err := rules.Expand(tmpl, name)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, secretRE.FindAllString(text, -1)...)
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out := runCaptured(t, "scan", "--format", "sarif", dir)
	if code != exitFound {
		t.Fatalf("exit %d, want %d", code, exitFound)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind, Status, Justification string
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("not a SARIF log: %v", err)
	}
	kinds := map[string]string{}
	open := 0
	for _, r := range log.Runs[0].Results {
		if len(r.Suppressions) == 0 {
			open++
			continue
		}
		s := r.Suppressions[0]
		if s.Status != "accepted" {
			t.Errorf("%s: suppression status %q", r.RuleID, s.Status)
		}
		kinds[s.Kind] = s.Justification
	}
	if open != 1 {
		t.Errorf("%d results without suppressions, want 1 (app/real.py)", open)
	}
	if j := kinds["external"]; !strings.Contains(j, `allowlist "test fixtures" at `) || !strings.Contains(j, ".leakhook.toml:1:1: allowlists[1]") {
		t.Errorf("external suppression's justification %q does not name the allowlist", j)
	}
	if j := kinds["inSource"]; !strings.Contains(j, "leakhook:allow") {
		t.Errorf("inSource suppression's justification %q does not name the marker", j)
	}
	if len(secrets) != 3 {
		t.Fatalf("%d secrets in the files, want 3", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the log shows a secret (%d chars)", len(s))
		}
	}
	validateSARIF(t, out)
}
