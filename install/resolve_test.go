package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A relative core.hooksPath is relative to the work tree's top, wherever
// install is run from; git runs the hooks from there.
func TestRepoInstallRespectsCoreHooksPath(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	run(t, repo, "git", "config", "core.hooksPath", ".githooks")
	sub := filepath.Join(repo, "deep", "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	hd, err := Repo(sub, Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(repo, ".githooks"); !samePath(hd, want) {
		t.Fatalf("installed into %s, want %s", hd, want)
	}
	if exists(filepath.Join(repo, ".git", "hooks", "pre-commit")) {
		t.Fatal("installed into .git/hooks, which git ignores here")
	}
	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"leakhook pre-commit"}) {
		t.Fatalf("calls = %q", got)
	}
}

// Hooks of a linked worktree are the main repository's (the common dir):
// installing from a worktree guards both.
func TestRepoInstallFromLinkedWorktree(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	wt := filepath.Join(t.TempDir(), "wt")
	run(t, repo, "git", "worktree", "add", "-q", "-b", "feature", wt)

	hd, err := Repo(wt, Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(repo, ".git", "hooks"); !samePath(hd, want) {
		t.Fatalf("installed into %s, want the common dir's %s", hd, want)
	}
	for _, dir := range []string{wt, repo} {
		resetLog(t, log)
		if out, ok := commit(t, dir, "a.txt", dir+"\n"); !ok {
			t.Fatal(out)
		}
		if got := logLines(t, log); !reflect.DeepEqual(got, []string{"leakhook pre-commit"}) {
			t.Fatalf("commit in %s: calls = %q", dir, got)
		}
	}
	if _, err := UninstallRepo(wt, nil); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(hd, "pre-commit")) {
		t.Fatal("uninstall from the worktree left the hook")
	}
}

func TestRepoInstallOutsideRepository(t *testing.T) {
	isolate(t)
	if _, err := Repo(t.TempDir(), Options{Binary: "/x/leakhook"}); err == nil || !strings.Contains(err.Error(), "not in a git repository") {
		t.Fatalf("err = %v", err)
	}
}

// The recorded binary is gone: PATH is the fallback, and with neither the
// hook blocks with instructions instead of "command not found".
func TestHookWhenBinaryIsMissing(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	gone := filepath.Join(t.TempDir(), "gone", "leakhook")
	if _, err := Repo(repo, Options{Binary: gone}); err != nil {
		t.Fatal(err)
	}
	// PATH with git and sh but no leakhook.
	noLeak := t.TempDir()
	for _, tool := range []string{"git", "sh", "cat", "dirname", "printf"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			continue
		}
		if err := os.Symlink(p, filepath.Join(noLeak, tool)); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(repo, "a.txt"), "x\n")
	run(t, repo, "git", "add", "a.txt")
	out, err := try(repo, []string{"PATH=" + noLeak}, "git", "commit", "-q", "-m", "x")
	if err == nil {
		t.Fatalf("commit went through with no leakhook binary:\n%s", out)
	}
	for _, want := range []string{"the leakhook program is not at", gone, "not on PATH", "leakhook install", "git commit --no-verify"} {
		if !strings.Contains(out, want) {
			t.Errorf("message lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not found") {
		t.Errorf("message is a shell error:\n%s", out)
	}

	// With leakhook on PATH, that one runs.
	if err := os.Symlink(bin, filepath.Join(noLeak, "leakhook")); err != nil {
		t.Fatal(err)
	}
	out, err = try(repo, []string{"PATH=" + noLeak}, "git", "commit", "-q", "-m", "x")
	if err != nil {
		t.Fatalf("commit with leakhook on PATH failed:\n%s", out)
	}
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"leakhook pre-commit"}) {
		t.Fatalf("calls = %q", got)
	}
}
