package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// frameworkVersion returns the pre-commit framework's major and minor
// version, skipping the test when it is not installed.
func frameworkVersion(t *testing.T) (int, int) {
	t.Helper()
	out, err := exec.Command("pre-commit", "--version").Output()
	if err != nil {
		t.Skip("the pre-commit framework is not installed (Debian: apt-get install pre-commit)")
	}
	m := regexp.MustCompile(`(\d+)\.(\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("pre-commit --version: %q", out)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major, minor
}

// cloneHead clones the committed HEAD of this checkout, which is what a
// pre-commit user gets: the manifest as published, whatever the framework's
// version (issue 17 item 4: the tests used to rewrite its stage names for
// pre-commit before 3.2, which hid that Debian 12's pre-commit rejected it).
func cloneHead(t *testing.T) (src, rev string) {
	t.Helper()
	src = filepath.Join(t.TempDir(), "leakhook-src")
	run(t, "", "git", "clone", "-q", repoRoot(t), src)
	if _, err := os.Stat(filepath.Join(src, ".pre-commit-hooks.yaml")); err != nil {
		t.Fatalf("HEAD has no .pre-commit-hooks.yaml: %v", err)
	}
	return src, head(t, src)
}

// The published hooks through the real pre-commit framework: language:
// golang builds leakhook with go install (module proxy only, or the local
// module cache), a commit adding a secret is blocked while a commit that
// only touches a file with an old secret is not (the commit's change is
// scanned), and `pre-commit run --all-files` / `--files X` scan the staged
// content of those files, so the old secret is found.
func TestPreCommitFramework(t *testing.T) {
	major, minor := frameworkVersion(t)
	t.Logf("pre-commit %d.%d", major, minor)
	env := goEnv(t) // the user's Go caches, kept under the temp HOME
	isolate(t)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	bin := leakhookBin(t)
	needCommand(t, bin, "pre-commit", "-files")
	src, rev := cloneHead(t)
	t.Setenv("PRE_COMMIT_HOME", t.TempDir())

	repo := newRepo(t)
	writeFile(t, filepath.Join(repo, "old.txt"), "legacy\n"+secretLine)
	run(t, repo, "git", "add", "old.txt")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "old secret, committed without hooks")

	t.Run("try-repo blocks a staged secret", func(t *testing.T) {
		writeFile(t, filepath.Join(repo, "new.txt"), secretLine)
		run(t, repo, "git", "add", "new.txt")
		defer func() {
			run(t, repo, "git", "reset", "-q", "--", "new.txt")
			os.Remove(filepath.Join(repo, "new.txt"))
		}()
		out, err := try(repo, nil, "pre-commit", "try-repo", src, "leakhook", "--ref", rev)
		if err == nil || !strings.Contains(out, "new.txt") || !strings.Contains(out, "aws-access-key-id") {
			t.Fatalf("try-repo did not block the staged secret (err %v):\n%s", err, out)
		}
		if strings.Contains(out, "old.txt") {
			t.Fatalf("a run on the staged files scanned old.txt:\n%s", out)
		}
	})

	writeFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), "repos:\n- repo: "+src+"\n  rev: "+rev+"\n  hooks:\n  - id: leakhook\n  - id: leakhook-push\n")
	run(t, repo, "git", "add", ".pre-commit-config.yaml")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "use leakhook")
	run(t, repo, "pre-commit", "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")

	t.Run("commit with a secret is blocked", func(t *testing.T) {
		out := assertBlocked(t, repo, "new.txt")
		// Issue 17 item 4: the advice named `leakhook explain`, which is not
		// on a framework user's PATH; it names a command that runs.
		m := regexp.MustCompile(`(\S+)\s+explain\s+(aws-access-key-id|RULE)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no explain command in the block message:\n%s", out)
		}
		if _, err := exec.LookPath(m[1]); err != nil {
			t.Fatalf("the block message says to run %q, which does not run here: %v", m[1], err)
		}
	})
	t.Run("commit scans only what it adds", func(t *testing.T) {
		out, ok := commit(t, repo, "old.txt", readFile(t, filepath.Join(repo, "old.txt"))+"more legacy\n")
		if !ok {
			t.Fatalf("a clean change to a file with an old secret was blocked at commit:\n%s", out)
		}
	})
	t.Run("run --all-files scans the staged content", func(t *testing.T) {
		out, err := try(repo, nil, "pre-commit", "run", "--all-files")
		if err == nil || !strings.Contains(out, "old.txt") || !strings.Contains(out, "aws-access-key-id") {
			t.Fatalf("--all-files passed with a committed secret (err %v):\n%s", err, out)
		}
	})
	t.Run("run --files scans the named files", func(t *testing.T) {
		out, err := try(repo, nil, "pre-commit", "run", "--files", "old.txt")
		if err == nil || !strings.Contains(out, "old.txt") {
			t.Fatalf("--files old.txt passed (err %v):\n%s", err, out)
		}
		if out, err := try(repo, nil, "pre-commit", "run", "--files", "README"); err != nil {
			t.Fatalf("--files README (clean) failed:\n%s", out)
		}
	})
	t.Run("system variant uses leakhook on PATH", func(t *testing.T) {
		path := filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")
		out, err := try(repo, []string{"PATH=" + path}, "pre-commit", "try-repo", src, "leakhook-system", "--ref", rev, "--files", "old.txt")
		if err == nil || !strings.Contains(out, "old.txt") {
			t.Fatalf("leakhook-system passed (err %v):\n%s", err, out)
		}
	})
	t.Run("the push hook does nothing at commit", func(t *testing.T) {
		out, ok := commit(t, repo, "clean.txt", "nothing here\n")
		if !ok {
			t.Fatalf("a clean commit failed:\n%s", out)
		}
	})
	remote := filepath.Join(t.TempDir(), "remote.git")
	t.Run("push of a --no-verify commit is blocked", func(t *testing.T) {
		needCommand(t, bin, "pre-push", "")
		run(t, "", "git", "init", "-q", "--bare", remote)
		run(t, repo, "git", "remote", "add", "origin", remote)
		run(t, repo, "git", "push", "-q", "--no-verify", "origin", "main")
		writeFile(t, filepath.Join(repo, "leak.txt"), secretLine)
		run(t, repo, "git", "add", "leak.txt")
		run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "leak")
		out, err := try(repo, nil, "git", "push", "origin", "main")
		if err == nil || !strings.Contains(out, "leak.txt") {
			t.Fatalf("push went through (err %v):\n%s", err, out)
		}
	})
	// The framework hands its push hook one ref of a multi-ref push (issue
	// 17): pre-push then scans every local branch the remote lacks, so the
	// secret on the second ref blocks the push.
	t.Run("multi-ref push blocks a secret on any ref", func(t *testing.T) {
		needCommand(t, bin, "pre-push", "")
		remote := filepath.Join(t.TempDir(), "remote.git") // the last subtest's is gone
		run(t, "", "git", "init", "-q", "--bare", remote)
		run(t, repo, "git", "remote", "set-url", "origin", remote)
		run(t, repo, "git", "push", "-q", "--no-verify", "origin", "refs/remotes/origin/main:refs/heads/main")
		run(t, repo, "git", "branch", "zzz", "main")
		run(t, repo, "git", "checkout", "-q", "-b", "aaa", "origin/main")
		run(t, repo, "git", "commit", "-q", "--no-verify", "--allow-empty", "-m", "clean")
		out, err := try(repo, nil, "git", "push", "origin", "aaa", "zzz")
		// (The commit is reported under the first local branch that has it:
		// pre-push is not told that zzz is pushed.)
		if err == nil || !strings.Contains(out, "leak.txt") || !strings.Contains(out, "scanned every local branch") {
			t.Fatalf("a multi-ref push with a secret on zzz went through (err %v):\n%s", err, out)
		}
	})
}
