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

// TestBudgetHoldsInsideOneFile (issue 16, item 17): a 3.8 MB staged file
// dense in keywords took 13 s with LEAKHOOK_TIMEOUT=2s, since the budget was
// only checked between files. The engine checks it as it goes: the hook
// answers within the budget plus a second, and if the budget ran out it
// blocks (exit 2), never passes.
func TestBudgetHoldsInsideOneFile(t *testing.T) {
	dir := t.TempDir()
	gitIn(t, dir, "init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(dir, "dense.txt"), keywordDense(3800<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", "dense.txt")
	t.Chdir(dir)
	const budget = time.Second
	t.Setenv("LEAKHOOK_TIMEOUT", budget.String())
	start := time.Now()
	var stderr strings.Builder
	code := run([]string{"pre-commit"}, strings.NewReader(""), io.Discard, &stderr)
	out := stderr.String()
	took := time.Since(start)
	if took > budget+time.Second {
		t.Errorf("pre-commit took %v with a budget of %v", took.Round(time.Millisecond), budget)
	}
	if code != exitProblem && took > budget {
		t.Errorf("exit %d after %v: the budget ran out, so the hook must block with exit 2:\n%s", code, took, out)
	}
	if code == exitProblem && !strings.Contains(out, "time budget ran out") {
		t.Errorf("exit 2 without naming the budget:\n%s", out)
	}
}
