package gitread

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/gittest"
)

// hostileCommit writes, with hash-object (which takes any bytes), a commit
// on parent with parent's tree and the message msg, and returns its id.
func hostileCommit(t *testing.T, r *gittest.Repo, parent, msg string) string {
	t.Helper()
	tree := r.Git("rev-parse", parent+"^{tree}")
	body := fmt.Sprintf("tree %s\nparent %s\nauthor T <t@example.com> 1700000000 +0000\ncommitter T <t@example.com> 1700000000 +0000\n\n%s", tree, r.Git("rev-parse", parent), msg)
	cmd := exec.Command("git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin")
	cmd.Dir = r.Dir
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// historyLines runs History and returns the added lines it read, each as
// "<subject> <path>:<line> <text>", for the commits keep takes (nil: all).
func historyLines(t *testing.T, repo *Repo, q HistoryQuery, keep func(*scan.Commit) bool) []string {
	t.Helper()
	var got []string
	err := History(context.Background(), repo, q, 1<<20, func(it scan.Item) error {
		if keep != nil && !keep(it.Commit) || it.Path == CommitMessagePath {
			return nil
		}
		for i, l := range strings.Split(strings.TrimSuffix(string(it.Content), "\n"), "\n") {
			if it.Added[i] {
				got = append(got, fmt.Sprintf("%s %s:%d %s", it.Commit.Subject, it.Path, it.StartLine+i, l))
			}
		}
		return nil
	}, func(scan.Skipped) {})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// standInGit puts first on PATH, for the rest of the test, a git that runs
// the shell script body, given the path of the real git.
func standInGit(t *testing.T, body func(real string) string) {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte("#!/bin/sh\n"+body(real)), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}
