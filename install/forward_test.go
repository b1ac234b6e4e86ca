package install

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Issue 17 item 1: the global install used to hold only pre-commit and
// pre-push, so a repository's own commit-msg (Gerrit's Change-Id,
// commitlint), prepare-commit-msg, post-commit and post-checkout (git-lfs)
// hooks silently stopped running. Every client-side hook of the repository
// still runs, with its arguments and standard input.
func TestGlobalInstallKeepsEveryRepositoryHookRunning(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	dir, err := Global(Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	repo := newRepo(t)
	own := func(name, extra string) {
		writeScript(t, filepath.Join(repo, ".git", "hooks", name),
			"#!/bin/sh\necho \"own "+name+" $#\" >> \"$FAKE_LOG\"\n"+extra)
	}
	own("prepare-commit-msg", "")
	own("commit-msg", `echo "Change-Id: I0123" >> "$1"`+"\n")
	own("post-commit", "")
	own("post-checkout", "")
	own("post-rewrite", `cat >> "$FAKE_LOG"`+"\n")

	if out, ok := commit(t, repo, "a.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	want := []string{"leakhook pre-commit", "own prepare-commit-msg 2", "own commit-msg 1", "own post-commit 0"}
	if got := logLines(t, log); !reflect.DeepEqual(got, want) {
		t.Fatalf("hooks run: %q, want %q", got, want)
	}
	if msg := run(t, repo, "git", "log", "-1", "--format=%B"); !strings.Contains(msg, "Change-Id: I0123") {
		t.Fatalf("the repository's commit-msg hook did not edit the message:\n%s", msg)
	}
	resetLog(t, log)
	run(t, repo, "git", "checkout", "-q", "-b", "topic")
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"own post-checkout 3"}) {
		t.Fatalf("post-checkout: %q", got)
	}
	resetLog(t, log)
	run(t, repo, "git", "commit", "-q", "--amend", "--no-verify", "-m", "reworded")
	got := logLines(t, log)
	if len(got) < 2 || got[len(got)-2] != "own post-rewrite 1" || len(strings.Fields(got[len(got)-1])) != 2 {
		t.Fatalf("post-rewrite (with its stdin): %q", got)
	}

	// The forwarders belong to leakhook: uninstall removes them all.
	if _, err := UninstallGlobal(nil); err != nil {
		t.Fatal(err)
	}
	if exists(dir) {
		t.Fatal("global hooks dir left behind")
	}
}

// Leaving out the hooks whose presence alone changes git: a global
// push-to-checkout would change what a push to a checked-out branch does.
func TestGlobalInstallLeavesOutHooksThatChangeGit(t *testing.T) {
	isolate(t)
	bin, _ := fakeLeakhook(t)
	dir, err := Global(Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"push-to-checkout", "proc-receive", "fsmonitor-watchman", "reference-transaction", "post-index-change"} {
		if exists(filepath.Join(dir, name)) {
			t.Errorf("global install wrote %s", name)
		}
	}
	for _, name := range []string{"commit-msg", "post-checkout", "pre-receive", "sendemail-validate"} {
		if !exists(filepath.Join(dir, name)) {
			t.Errorf("global install did not forward %s", name)
		}
	}
}

// Issue 17 item 5: git runs no pre-commit hook for a merge that commits
// without conflicts; it runs pre-merge-commit. leakhook installs it, so a
// secret brought in by such a merge is scanned before the merge commit.
func TestMergeWithoutConflictsIsScanned(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	repo := newRepo(t)
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	run(t, repo, "git", "checkout", "-q", "-b", "topic")
	writeFile(t, filepath.Join(repo, "b.txt"), "x\n")
	run(t, repo, "git", "add", "b.txt")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "topic")
	run(t, repo, "git", "checkout", "-q", "main")
	writeFile(t, filepath.Join(repo, "c.txt"), "y\n")
	run(t, repo, "git", "add", "c.txt")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "main")
	resetLog(t, log)
	t.Setenv("FAKE_LEAKHOOK_EXIT", "1")
	if out, err := try(repo, nil, "git", "merge", "--no-edit", "topic"); err == nil {
		t.Fatalf("a blocking scan did not stop the merge:\n%s", out)
	}
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"leakhook pre-commit"}) {
		t.Fatalf("merge ran %q, want leakhook pre-commit", got)
	}
}
