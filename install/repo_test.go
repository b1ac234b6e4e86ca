package install

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRepoInstallRunsLeakhookAndUninstallRemoves(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)

	hd, err := Repo(repo, Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(repo, ".git", "hooks"); !samePath(hd, want) {
		t.Fatalf("hooks dir %s, want %s", hd, want)
	}
	for _, name := range HookNames {
		fi, err := os.Stat(filepath.Join(hd, name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s is not executable: %v", name, fi.Mode())
		}
	}

	if out, ok := commit(t, repo, "a.txt", "clean\n"); !ok {
		t.Fatalf("commit blocked by a passing leakhook:\n%s", out)
	}
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"leakhook pre-commit"}) {
		t.Fatalf("leakhook calls = %q", got)
	}

	t.Setenv("FAKE_LEAKHOOK_EXIT", "1")
	if out, ok := commit(t, repo, "b.txt", "secret\n"); ok {
		t.Fatalf("commit went through although leakhook exited 1:\n%s", out)
	}

	if _, err := UninstallRepo(repo, nil); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(hd)
	for _, e := range entries {
		if e.Name() == "pre-commit" || e.Name() == "pre-push" || strings.Contains(e.Name(), "leakhook") {
			t.Errorf("left behind after uninstall: %s", e.Name())
		}
	}
	resetLog(t, log)
	if out, ok := commit(t, repo, "b.txt", "secret\n"); !ok {
		t.Fatalf("commit blocked after uninstall:\n%s", out)
	}
	if got := logLines(t, log); got != nil {
		t.Fatalf("leakhook ran after uninstall: %q", got)
	}
}

// An existing hook is kept, runs first with the same arguments, blocks when
// it fails, and comes back byte for byte (and mode) on uninstall.
func TestRepoInstallChainsExistingHook(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	own := filepath.Join(repo, ".git", "hooks", "pre-commit")
	body := "#!/bin/sh\n# the team's own hook\necho \"own pre-commit $*\" >> \"$FAKE_LOG\"\nexit \"${OWN_EXIT:-0}\"\n"
	writeScript(t, own, body)
	if err := os.Chmod(own, 0o750); err != nil {
		t.Fatal(err)
	}

	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, own+ChainedSuffix); got != body {
		t.Fatalf("chained hook changed:\n%s", got)
	}

	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatalf("commit blocked:\n%s", out)
	}
	if got, want := logLines(t, log), []string{"own pre-commit ", "leakhook pre-commit"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order of hooks = %q, want %q", got, want)
	}

	resetLog(t, log)
	t.Setenv("OWN_EXIT", "3")
	if out, ok := commit(t, repo, "b.txt", "x\n"); ok {
		t.Fatalf("commit went through although the chained hook failed:\n%s", out)
	}
	if got, want := logLines(t, log), []string{"own pre-commit "}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after a failing chained hook, calls = %q, want %q", got, want)
	}

	if _, err := UninstallRepo(repo, nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, own); got != body {
		t.Fatalf("restored hook differs:\n%s", got)
	}
	fi, err := os.Stat(own)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o750 {
		t.Fatalf("restored mode %v, want 0750", fi.Mode().Perm())
	}
	if exists(own + ChainedSuffix) {
		t.Fatal("chained copy left behind")
	}
}

// pre-push gets one stdin line per ref: the chained hook and leakhook must
// both read all of them, with the remote's name and URL as arguments.
func TestRepoPrePushStdinReachesChainedHookAndLeakhook(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	remote := filepath.Join(t.TempDir(), "remote.git")
	run(t, "", "git", "init", "-q", "--bare", remote)
	run(t, repo, "git", "remote", "add", "origin", remote)
	run(t, repo, "git", "branch", "second")
	writeScript(t, filepath.Join(repo, ".git", "hooks", "pre-push"),
		"#!/bin/sh\necho \"own pre-push $*\" >> \"$FAKE_LOG\"\ncat >> \"$FAKE_LOG\"\n")
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}

	run(t, repo, "git", "push", "-q", "origin", "main", "second")
	head := strings.TrimSpace(run(t, repo, "git", "rev-parse", "HEAD"))
	zero := strings.Repeat("0", len(head))
	refs := []string{
		"refs/heads/main " + head + " refs/heads/main " + zero,
		"refs/heads/second " + head + " refs/heads/second " + zero,
	}
	want := append([]string{"own pre-push origin " + remote}, refs...)
	want = append(want, "leakhook pre-push origin "+remote)
	want = append(want, refs...)
	if got := logLines(t, log); !reflect.DeepEqual(got, want) {
		t.Fatalf("pre-push calls and stdin:\n got %q\nwant %q", got, want)
	}

	// leakhook's verdict blocks the push: nothing reaches the remote.
	run(t, repo, "git", "branch", "third")
	t.Setenv("FAKE_LEAKHOOK_EXIT", "1")
	if out, err := try(repo, nil, "git", "push", "-q", "origin", "third"); err == nil {
		t.Fatalf("push went through although leakhook failed:\n%s", out)
	}
	if out, _ := try(remote, nil, "git", "rev-parse", "--verify", "-q", "refs/heads/third"); strings.TrimSpace(out) != "" {
		t.Fatal("branch reached the remote")
	}
}

func TestRepoReinstallIsIdempotent(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	hd := filepath.Join(repo, ".git", "hooks")
	writeScript(t, filepath.Join(hd, "pre-commit"), "#!/bin/sh\necho own >> \"$FAKE_LOG\"\n")
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	before := listDir(t, hd)
	hook := readFile(t, filepath.Join(hd, "pre-commit"))
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if after := listDir(t, hd); !reflect.DeepEqual(before, after) {
		t.Fatalf("re-install changed the hooks dir:\n%q\n%q", before, after)
	}
	if got := readFile(t, filepath.Join(hd, "pre-commit")); got != hook {
		t.Fatal("re-install changed the hook")
	}
	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got, want := logLines(t, log), []string{"own", "leakhook pre-commit"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("calls = %q, want %q (each hook once)", got, want)
	}

	// A re-install from a moved binary records the new path.
	moved := filepath.Join(t.TempDir(), "leakhook")
	writeScript(t, moved, readFile(t, bin))
	if _, err := Repo(repo, Options{Binary: moved}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readFile(t, filepath.Join(hd, "pre-commit")), shQuote(moved)) {
		t.Fatal("re-install did not record the new binary path")
	}
}

func TestRepoForceReplacesWithoutChaining(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	own := filepath.Join(repo, ".git", "hooks", "pre-commit")
	body := "#!/bin/sh\necho own >> \"$FAKE_LOG\"\n"
	writeScript(t, own, body)
	if _, err := Repo(repo, Options{Binary: bin, Force: true, Hooks: []string{"pre-commit"}}); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(repo, ".git", "hooks", "pre-push")) {
		t.Fatal("--hooks pre-commit installed pre-push too")
	}
	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got, want := logLines(t, log), []string{"leakhook pre-commit"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("calls = %q, want %q (replaced hook must not run)", got, want)
	}
	if _, err := UninstallRepo(repo, nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, own); got != body {
		t.Fatalf("uninstall did not restore the replaced hook: %q", got)
	}
}

// A hook that replaced ours after install (say 'pre-commit install') while
// ours had chained another: install must not lose either of them.
func TestRepoInstallRefusesToLoseAHook(t *testing.T) {
	isolate(t)
	bin, _ := fakeLeakhook(t)
	repo := newRepo(t)
	own := filepath.Join(repo, ".git", "hooks", "pre-commit")
	writeScript(t, own, "#!/bin/sh\n# first\n")
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	writeScript(t, own, "#!/bin/sh\n# second\n")
	if _, err := Repo(repo, Options{Binary: bin}); err == nil {
		t.Fatal("install overwrote a chained hook")
	}
	if readFile(t, own) != "#!/bin/sh\n# second\n" || readFile(t, own+ChainedSuffix) != "#!/bin/sh\n# first\n" {
		t.Fatal("a hook was changed by the refused install")
	}
}

func TestRepoUnknownHookName(t *testing.T) {
	isolate(t)
	repo := newRepo(t)
	if _, err := Repo(repo, Options{Binary: "/x/leakhook", Hooks: []string{"post-commit"}}); err == nil {
		t.Fatal("installed an unsupported hook")
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
