package gitread

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
)

// StagedTree must compute exactly the tree git would commit; compare it
// with `git write-tree` (fine in a test) over index shapes that matter:
// tree ordering of "a-b", "a/" and "a0", nested and emptied directories,
// executable files, symlinks, intent-to-add entries, a stale cache-tree.
func TestStagedTreeMatchesWriteTree(t *testing.T) {
	r := gittest.New(t)
	check := func(step string) {
		t.Helper()
		repo, err := Open(context.Background(), r.Dir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := StagedTree(repo)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if want := r.Git("write-tree"); got != want {
			t.Fatalf("%s: StagedTree = %s, git write-tree = %s", step, got, want)
		}
	}
	r.Write("a-b", "1\n")
	r.Write("a/x.txt", "2\n")
	r.Write("a0", "3\n")
	r.Write("a/deep/er/y.txt", "4\n")
	r.Write("run.sh", "#!/bin/sh\n")
	os.Chmod(filepath.Join(r.Dir, "run.sh"), 0o755)
	os.Symlink("a0", filepath.Join(r.Dir, "link"))
	r.Git("add", "-A")
	check("initial")
	r.Commit("base")
	check("after commit (valid cache-tree)")
	r.Write("a/deep/er/y.txt", "5\n")
	r.Git("add", "a/deep/er/y.txt")
	check("modified nested file (partly stale cache-tree)")
	r.Git("rm", "-q", "--cached", "a/x.txt")
	check("removed file")
	r.Write("new.txt", "6\n")
	r.Git("add", "-N", "new.txt")
	check("intent-to-add")
	r.Git("rm", "-q", "-r", "--cached", "a/deep")
	check("emptied directory")
	tmp := filepath.Join(t.TempDir(), "index")
	t.Setenv("GIT_INDEX_FILE", tmp)
	r.Git("read-tree", "HEAD")
	check("temporary index (git commit -a)")
}

// A receipt is found only for the same parent, tree and rule set.
func TestReceiptsKeyedByParentTreeAndRuleSet(t *testing.T) {
	r := gittest.New(t)
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteReceipt(repo, "rs1", "p1", "t1"); err != nil {
		t.Fatal(err)
	}
	rec, err := LoadReceipts(repo)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rs   string
		c    CommitInfo
		want bool
	}{
		{"rs1", CommitInfo{Parent: "p1", Tree: "t1"}, true},
		{"rs2", CommitInfo{Parent: "p1", Tree: "t1"}, false},
		{"rs1", CommitInfo{Parent: "p2", Tree: "t1"}, false},
		{"rs1", CommitInfo{Parent: "p1", Tree: "t2"}, false},
	} {
		if got := rec.Has(tc.rs, tc.c); got != tc.want {
			t.Errorf("Has(%s, %+v) = %v, want %v", tc.rs, tc.c, got, tc.want)
		}
	}
}

// HeadCommit reads HEAD from the ref files where it can; it must always agree
// with git: loose and packed branches, detached HEAD, an unborn branch, a
// linked worktree, and a branch that is a symbolic ref.
func TestHeadCommitMatchesGit(t *testing.T) {
	r := gittest.New(t)
	check := func(step, dir, want string) {
		t.Helper()
		repo, err := Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		got, err := HeadCommit(context.Background(), repo)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if got != want {
			t.Fatalf("%s: HeadCommit = %q, want %q", step, got, want)
		}
	}
	check("unborn", r.Dir, "")
	r.Write("a.txt", "1\n")
	r.Git("add", "a.txt")
	r.Commit("one")
	first := r.Git("rev-parse", "HEAD")
	check("loose branch", r.Dir, first)
	r.Git("pack-refs", "--all", "--prune")
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "refs", "heads", "main")); err == nil {
		t.Fatal("pack-refs left the loose ref")
	}
	check("packed branch", r.Dir, first)
	r.Write("a.txt", "2\n")
	r.Git("commit", "-qam", "two")
	second := r.Git("rev-parse", "HEAD")
	check("loose ref newer than packed-refs", r.Dir, second)
	r.Git("checkout", "-q", "--detach", first)
	check("detached", r.Dir, first)
	r.Git("checkout", "-q", "main")
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "-b", "side", wt, first)
	check("linked worktree", wt, first)
	r.Git("symbolic-ref", "refs/heads/alias", "refs/heads/side")
	r.Git("symbolic-ref", "HEAD", "refs/heads/alias")
	check("branch that is a symbolic ref", r.Dir, first)
	r.Git("checkout", "-q", "--orphan", "fresh")
	check("unborn branch in a repository with history", r.Dir, "")
}

// RuleSetHash changes with whatever changes what a scan reports: a
// configuration file, a .gitleaksignore entry; and only with that.
func TestRuleSetHashFollowsConfiguration(t *testing.T) {
	dir := t.TempDir()
	hash := func(step string) string {
		t.Helper()
		cfg, err := rules.Load(dir, "")
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		h, err := RuleSetHash(cfg)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return h
	}
	seen := map[string]string{}
	distinct := func(step string) {
		t.Helper()
		h := hash(step)
		if again := hash(step); again != h {
			t.Fatalf("%s: hash not stable: %s then %s", step, h, again)
		}
		if prev, ok := seen[h]; ok {
			t.Fatalf("%s: same hash as %s", step, prev)
		}
		seen[h] = step
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	distinct("built-in rules only")
	write(".gitleaksignore", "app/mail.py:mailgun-api-key:3\n")
	distinct(".gitleaksignore")
	// Rules a repository may switch off (not first-class types: the
	// self-check refuses those without a trusted configuration).
	write(".leakhook.toml", "[extend]\ndisabledRules = [\"square-access-token\"]\n")
	distinct("config disabling a rule")
	write(".leakhook.toml", "[extend]\ndisabledRules = [\"github-fine-grained-pat\"]\n")
	distinct("config disabling another rule")
}
