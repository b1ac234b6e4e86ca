package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gitIn runs git in dir with the machine's configuration kept out.
func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keywordDense is n bytes of lines that each hold several rules' keywords
// and a password assignment (issue 16, item 17).
func keywordDense(n int) []byte {
	var b []byte
	for i := 0; len(b) < n; i++ {
		b = fmt.Appendf(b, "password = \"v%011d\" token api_key secret\n", i*7919)
	}
	return b
}

// stageDense makes the current directory a repository with n bytes of
// keyword-dense text staged, and sets the hooks' budget.
func stageDense(t *testing.T, n int, budget time.Duration) {
	t.Helper()
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(dir, "dense.txt"), keywordDense(n), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "dense.txt")
	t.Chdir(dir)
	t.Setenv("LEAKHOOK_TIMEOUT", budget.String())
}

// TestBudgetHoldsInsideOneFile (issue 16, item 17): a 3.8 MB staged file
// dense in keywords took 13 s with LEAKHOOK_TIMEOUT=2s, since the budget was
// only checked between files. The engine checks it as it goes: the hook
// answers within the budget plus a second, and never passes: exit 2 if the
// budget ran out, else exit 1 for the secrets found. Once the engine scanned
// the file within the budget, the 41,835 findings' stored fingerprints
// (argon2id, tens of milliseconds each) kept it busy for ten minutes: a
// text report needs none, and triage stops at the budget too.
func TestBudgetHoldsInsideOneFile(t *testing.T) {
	const budget = time.Second
	stageDense(t, 3800<<10, budget)
	start := time.Now()
	var stderr strings.Builder
	code := run([]string{"pre-commit"}, strings.NewReader(""), io.Discard, &stderr)
	out := stderr.String()
	took := time.Since(start)
	if took > budget+time.Second {
		t.Errorf("pre-commit took %v with a budget of %v", took.Round(time.Millisecond), budget)
	}
	if code != exitProblem && code != exitFound {
		t.Errorf("exit %d after %v: the file holds secrets, so the hook must block (exit 1 for them, 2 if the budget ran out):\n%s", code, took, out)
	}
	if code == exitProblem && !strings.Contains(out, "time budget ran out") {
		t.Errorf("exit 2 without naming the budget:\n%s", out)
	}
}

// TestBudgetHoldsWhileFingerprinting: JSON and SARIF carry each finding's
// stored fingerprint (argon2id, tens of milliseconds each); 2,000 distinct
// secrets staged took most of a minute after the scan, past the budget.
// Triage stops at the budget, and the hook blocks (exit 2) naming it.
func TestBudgetHoldsWhileFingerprinting(t *testing.T) {
	const budget = time.Second
	stageDense(t, 2000*44, budget)
	start := time.Now()
	var stdout, stderr strings.Builder
	code := run([]string{"pre-commit", "--format", "json"}, strings.NewReader(""), &stdout, &stderr)
	took := time.Since(start)
	if took > budget+time.Second {
		t.Errorf("pre-commit --format json took %v with a budget of %v", took.Round(time.Millisecond), budget)
	}
	if code != exitProblem || !strings.Contains(stderr.String(), "time budget ran out while fingerprinting") {
		t.Errorf("exit %d after %v, want 2 naming the budget:\n%s", code, took, stderr.String())
	}
}

// TestBudgetOnlyForHooks (issue 20): scan, scan --git and baseline are run
// by a person or CI and run to the end; only hooks have a default budget
// (LEAKHOOK_TIMEOUT, else 2m). With LEAKHOOK_TIMEOUT far smaller than the
// work, a history scan of 40 commits and a baseline finish, the pre-commit
// hook still runs out of budget, and an explicit --timeout still binds scan.
func TestBudgetOnlyForHooks(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	for i := 0; i < 40; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d.txt", i)), keywordDense(4<<10), 0o644); err != nil {
			t.Fatal(err)
		}
		gitIn(t, dir, "add", ".")
		gitIn(t, dir, "commit", "-q", "-m", fmt.Sprintf("c%d", i))
	}
	if err := os.WriteFile(filepath.Join(dir, "staged.txt"), keywordDense(4<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "staged.txt")
	t.Chdir(dir)
	t.Setenv("LEAKHOOK_TIMEOUT", "1ns")
	try := func(args ...string) (int, string) {
		var stdout, stderr strings.Builder
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		return code, stderr.String()
	}
	if code, out := try("pre-commit"); code != exitProblem || !strings.Contains(out, "time budget ran out") {
		t.Errorf("pre-commit with LEAKHOOK_TIMEOUT=1ns: exit %d, want 2 and the budget named:\n%s", code, out)
	}
	for _, args := range [][]string{{"scan", "--git"}, {"scan", "."}, {"baseline", "--history", "--file", filepath.Join(t.TempDir(), "b")}} {
		if code, out := try(args...); code == exitProblem || strings.Contains(out, "budget") {
			t.Errorf("%s with LEAKHOOK_TIMEOUT=1ns: exit %d, want it unbounded:\n%s", strings.Join(args, " "), code, out)
		}
	}
	if code, out := try("scan", "--git", "--timeout", "1ns"); code != exitProblem || !strings.Contains(out, "time budget ran out") {
		t.Errorf("scan --git --timeout 1ns: exit %d, want 2 and the budget named:\n%s", code, out)
	}
}
