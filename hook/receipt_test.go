package hook

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
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
