package install

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func globalHooksPath(t *testing.T) (string, bool) {
	t.Helper()
	v, ok, err := globalConfig("core.hooksPath")
	if err != nil {
		t.Fatal(err)
	}
	return v, ok
}

// Global install guards a repository created afterwards, runs that
// repository's own hook after leakhook, and uninstall removes the setting.
func TestGlobalInstallGuardsNewRepository(t *testing.T) {
	home := isolate(t)
	bin, log := fakeLeakhook(t)
	dir, err := Global(Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(home, ".config", "leakhook", "hooks"); dir != want {
		t.Fatalf("global dir %s, want %s", dir, want)
	}
	if v, _ := globalHooksPath(t); !samePath(v, dir) {
		t.Fatalf("core.hooksPath = %q, want %s", v, dir)
	}
	if !strings.Contains(readFile(t, filepath.Join(home, "gitconfig")), "hooksPath") {
		t.Fatal("the setting is not in GIT_CONFIG_GLOBAL")
	}

	repo := newRepo(t) // created after the install
	writeScript(t, filepath.Join(repo, ".git", "hooks", "pre-commit"),
		"#!/bin/sh\necho \"repo pre-commit\" >> \"$FAKE_LOG\"\nexit \"${OWN_EXIT:-0}\"\n")
	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got, want := logLines(t, log), []string{"leakhook pre-commit", "repo pre-commit"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("calls = %q, want %q", got, want)
	}
	t.Setenv("FAKE_LEAKHOOK_EXIT", "1")
	if out, ok := commit(t, repo, "b.txt", "x\n"); ok {
		t.Fatalf("global hook did not block:\n%s", out)
	}
	t.Setenv("FAKE_LEAKHOOK_EXIT", "0")
	t.Setenv("OWN_EXIT", "1")
	if out, ok := commit(t, repo, "b.txt", "x\n"); ok {
		t.Fatalf("the repository's failing hook did not block:\n%s", out)
	}
	t.Setenv("OWN_EXIT", "0")

	// Idempotent.
	if _, err := Global(Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(readFile(t, filepath.Join(home, "gitconfig")), "hooksPath"); got != 1 {
		t.Fatalf("core.hooksPath written %d times", got)
	}

	if _, err := UninstallGlobal(nil); err != nil {
		t.Fatal(err)
	}
	if v, ok := globalHooksPath(t); ok {
		t.Fatalf("core.hooksPath still set: %q", v)
	}
	if exists(dir) {
		t.Fatal("global hooks dir left behind")
	}
	resetLog(t, log)
	if out, ok := commit(t, repo, "c.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got, want := logLines(t, log), []string{"repo pre-commit"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after uninstall calls = %q, want %q", got, want)
	}
}

// The global pre-push hook passes every stdin line to leakhook and then to
// the repository's own hook.
func TestGlobalPrePushChainsRepositoryHook(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	if _, err := Global(Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	repo := newRepo(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	run(t, "", "git", "init", "-q", "--bare", remote)
	writeScript(t, filepath.Join(repo, ".git", "hooks", "pre-push"),
		"#!/bin/sh\necho \"repo pre-push $*\" >> \"$FAKE_LOG\"\ncat >> \"$FAKE_LOG\"\n")
	run(t, repo, "git", "branch", "two")
	run(t, repo, "git", "push", "-q", remote, "main", "two")
	head := strings.TrimSpace(run(t, repo, "git", "rev-parse", "HEAD"))
	zero := strings.Repeat("0", len(head))
	refs := []string{"refs/heads/main " + head + " refs/heads/main " + zero, "refs/heads/two " + head + " refs/heads/two " + zero}
	want := append(append([]string{"leakhook pre-push " + remote + " " + remote}, refs...), "repo pre-push "+remote+" "+remote)
	want = append(want, refs...)
	if got := logLines(t, log); !reflect.DeepEqual(got, want) {
		t.Fatalf("calls:\n got %q\nwant %q", got, want)
	}
}

// A repository that also has leakhook's own repo hook is scanned once.
func TestGlobalAndRepoInstallScanOnce(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if _, err := Global(Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"leakhook pre-commit"}) {
		t.Fatalf("calls = %q, want one scan", got)
	}
	// And a repo install under the global hooks refuses rather than write
	// into the global dir (git rev-parse --git-path hooks now names it).
	other := newRepo(t)
	if _, err := Repo(other, Options{Binary: bin}); err == nil || !strings.Contains(err.Error(), "global") {
		t.Fatalf("repo install into the global dir: err = %v", err)
	}
	if _, err := UninstallRepo(other, nil); err == nil {
		t.Fatal("repo uninstall touched the global dir")
	}
}

// Another tool's global core.hooksPath is refused without --force, replaced
// with it, and put back by uninstall.
func TestGlobalInstallRespectsForeignHooksPath(t *testing.T) {
	home := isolate(t)
	bin, _ := fakeLeakhook(t)
	theirs := filepath.Join(home, "husky-hooks")
	run(t, "", "git", "config", "--global", "core.hooksPath", theirs)

	_, err := Global(Options{Binary: bin})
	if !errors.Is(err, ErrHooksPathTaken) || !strings.Contains(err.Error(), theirs) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v", err)
	}
	if v, _ := globalHooksPath(t); v != theirs {
		t.Fatalf("core.hooksPath changed to %q", v)
	}

	dir, err := Global(Options{Binary: bin, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := globalHooksPath(t); !samePath(v, dir) {
		t.Fatalf("core.hooksPath = %q after --force", v)
	}
	if _, err := UninstallGlobal(nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := globalHooksPath(t); v != theirs {
		t.Fatalf("uninstall left core.hooksPath = %q, want the previous %q", v, theirs)
	}
}

// Uninstall leaves core.hooksPath alone once someone pointed it elsewhere.
func TestGlobalUninstallLeavesChangedSetting(t *testing.T) {
	home := isolate(t)
	bin, _ := fakeLeakhook(t)
	if _, err := Global(Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	elsewhere := filepath.Join(home, "elsewhere")
	run(t, "", "git", "config", "--global", "core.hooksPath", elsewhere)
	if _, err := UninstallGlobal(nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := globalHooksPath(t); v != elsewhere {
		t.Fatalf("core.hooksPath = %q, want %q kept", v, elsewhere)
	}
}

// The user's comments and other sections survive: git config edits the file.
func TestGlobalInstallKeepsGitconfigContent(t *testing.T) {
	home := isolate(t)
	bin, _ := fakeLeakhook(t)
	cfg := filepath.Join(home, "gitconfig")
	before := readFile(t, cfg)
	extra := "# my precious comment\n[alias]\n\tco = checkout ; trailing comment\n"
	writeFile(t, cfg, before+extra)
	if _, err := Global(Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if _, err := UninstallGlobal(nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, cfg); !strings.Contains(got, extra) {
		t.Fatalf("gitconfig lost content:\n%s", got)
	}
}
