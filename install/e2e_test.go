package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// fakeAWSKey is an AWS access key id that leakhook's rules flag (not AWS's
// documented example, which is allowlisted). Split so this file is not a
// finding itself.
const fakeAWSKey = "AKIA" + "Q7ZP3RWX" + "4KM2TB6N"

const secretLine = "aws_access_key_id = " + fakeAWSKey + "\n"

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildOut  []byte
	buildDir  string
)

// TestMain removes the binary built for the end-to-end tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// leakhookBin builds the real leakhook from this checkout once per run.
func leakhookBin(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "leakhook-install-test-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "leakhook")
		cmd := exec.Command("go", "build", "-o", builtBin, "./cmd/leakhook")
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/leakhook: %v\n%s", buildErr, buildOut)
	}
	return builtBin
}

// needCommand skips when the built leakhook lacks a subcommand (or a flag of
// it) that another part of the project provides; the hooks only call it.
func needCommand(t *testing.T, bin, name, flag string) {
	t.Helper()
	out, err := exec.Command(bin, name, "--help").CombinedOutput()
	if err != nil {
		first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		t.Skipf("leakhook %s is not implemented yet in this checkout: %s", name, first)
	}
	if flag != "" && !strings.Contains(string(out), flag) {
		t.Skipf("leakhook %s has no %s flag yet in this checkout", name, flag)
	}
}

func head(t *testing.T, dir string) string {
	t.Helper()
	return strings.TrimSpace(run(t, dir, "git", "rev-parse", "HEAD"))
}

// assertBlocked commits file with a secret and checks that git refused.
func assertBlocked(t *testing.T, dir, file string) string {
	t.Helper()
	before := head(t, dir)
	out, ok := commit(t, dir, file, secretLine)
	if ok || head(t, dir) != before {
		t.Fatalf("a commit adding a secret in %s went through:\n%s", file, out)
	}
	if !strings.Contains(out, file) || !strings.Contains(out, "aws-access-key-id") {
		t.Fatalf("the block does not name %s and the rule (a finding, not a crash?):\n%s", file, out)
	}
	run(t, dir, "git", "reset", "-q", "--", file)
	os.Remove(filepath.Join(dir, file))
	return out
}

// `leakhook install` in a repository with a hook of its own: a secret is
// blocked, a clean change passes, the own hook runs, and `leakhook
// uninstall` gives it back.
func TestE2ERepoInstallBlocksSecret(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	needCommand(t, bin, "pre-commit", "")
	repo := newRepo(t)
	log := filepath.Join(t.TempDir(), "own.log")
	own := filepath.Join(repo, ".git", "hooks", "pre-commit")
	body := "#!/bin/sh\necho own >> " + shQuote(log) + "\n"
	writeScript(t, own, body)

	if out := run(t, repo, bin, "install"); !strings.Contains(out, ChainedSuffix) {
		t.Fatalf("install output:\n%s", out)
	}
	assertBlocked(t, repo, "config.env")
	if out, ok := commit(t, repo, "clean.txt", "nothing to see\n"); !ok {
		t.Fatalf("clean commit blocked:\n%s", out)
	}
	if !strings.Contains(readFile(t, log), "own") {
		t.Fatal("the repository's own hook did not run")
	}
	run(t, repo, bin, "uninstall")
	if readFile(t, own) != body {
		t.Fatal("uninstall did not restore the own hook")
	}
	if out, ok := commit(t, repo, "config.env", secretLine); !ok {
		t.Fatalf("commit blocked after uninstall:\n%s", out)
	}
}

// `leakhook install --global` guards a repository created afterwards, also
// from its linked worktrees; `leakhook uninstall --global` stops it.
func TestE2EGlobalInstallGuardsNewRepository(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	needCommand(t, bin, "pre-commit", "")
	run(t, "", bin, "install", "--global")

	repo := newRepo(t)
	assertBlocked(t, repo, "settings.py")
	wt := filepath.Join(t.TempDir(), "wt")
	run(t, repo, "git", "worktree", "add", "-q", "-b", "feature", wt)
	assertBlocked(t, wt, "deploy.sh")

	run(t, "", bin, "uninstall", "--global")
	if out, ok := commit(t, repo, "settings.py", secretLine); !ok {
		t.Fatalf("commit blocked after uninstall --global:\n%s", out)
	}
}

// A repo install made from a linked worktree guards commits there.
func TestE2EWorktreeRepoInstall(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	needCommand(t, bin, "pre-commit", "")
	repo := newRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	run(t, repo, "git", "worktree", "add", "-q", "-b", "feature", wt)
	run(t, wt, bin, "install")
	assertBlocked(t, wt, "app.conf")
	assertBlocked(t, repo, "app.conf")
}

// A commit made with --no-verify is stopped at push by the installed
// pre-push hook, and nothing reaches the remote.
func TestE2EPrePushBlocksNoVerifyCommit(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	needCommand(t, bin, "pre-push", "")
	repo := newRepo(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	run(t, "", "git", "init", "-q", "--bare", remote)
	run(t, repo, "git", "remote", "add", "origin", remote)
	run(t, repo, "git", "push", "-q", "origin", "main")
	run(t, repo, bin, "install")

	writeFile(t, filepath.Join(repo, "key.txt"), secretLine)
	run(t, repo, "git", "add", "key.txt")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "oops")
	out, err := try(repo, nil, "git", "push", "origin", "main")
	if err == nil {
		t.Fatalf("push of a secret went through:\n%s", out)
	}
	if !strings.Contains(out, "key.txt") {
		t.Fatalf("the block does not name key.txt:\n%s", out)
	}
	if got := strings.TrimSpace(run(t, remote, "git", "rev-parse", "main")); got == head(t, repo) {
		t.Fatal("the commit reached the remote")
	}
}
