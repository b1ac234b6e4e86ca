package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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
	var secrets []struct{ Secret string }
	if err := json.Unmarshal([]byte(full), &secrets); err != nil || len(secrets) < 20 {
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
