package gitindex

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TreeID must be exactly the tree git would commit: compare it with `git
// write-tree` (fine in a test) over the index shapes that matter, with the
// cache-tree valid, partly stale and absent.
func TestTreeIDMatchesWriteTree(t *testing.T) {
	r := gittest.New(t)
	check := func(step string) {
		t.Helper()
		file := filepath.Join(r.Dir, ".git", "index")
		if f := os.Getenv("GIT_INDEX_FILE"); f != "" {
			file = f
		}
		idx, err := Read(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := idx.TreeID()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		lean, err := TreeIDOf(file)
		if err != nil {
			t.Fatalf("%s: TreeIDOf: %v", step, err)
		}
		if lean != got {
			t.Fatalf("%s: TreeIDOf = %x, TreeID = %x", step, lean, got)
		}
		// write-tree also refreshes the cache-tree; read before it runs.
		if want := r.Git("write-tree"); hex.EncodeToString(got[:]) != want {
			t.Fatalf("%s: TreeID = %x, git write-tree = %s", step, got, want)
		}
	}
	r.Write("a-b", "1\n")
	r.Write("a/x.txt", "2\n")
	r.Write("a0", "3\n")
	r.Write("a.txt", "3b\n")
	r.Write("a/deep/er/y.txt", "4\n")
	r.Write("d/e/f.txt", "4b\n")
	r.Write("run.sh", "#!/bin/sh\n")
	os.Chmod(filepath.Join(r.Dir, "run.sh"), 0o755)
	os.Symlink("a0", filepath.Join(r.Dir, "link"))
	r.Git("add", "-A")
	check("initial (no cache-tree)")
	r.Commit("base")
	r.Git("reset", "-q", "--hard")
	check("after reset (valid cache-tree)")
	r.Write("a/deep/er/y.txt", "5\n")
	r.Git("add", "a/deep/er/y.txt")
	check("modified nested file (root and a/ stale, d/ valid)")
	r.Git("rm", "-q", "--cached", "a/x.txt")
	check("removed file")
	r.Write("new.txt", "6\n")
	r.Git("add", "-N", "new.txt")
	check("intent-to-add")
	r.Git("rm", "-q", "-r", "--cached", "a/deep")
	check("emptied directory")
	r.Git("update-index", "--index-version", "4")
	check("index v4")
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+r.Git("rev-parse", "HEAD")+",sub")
	check("submodule entry")
	tmp := filepath.Join(t.TempDir(), "index")
	t.Setenv("GIT_INDEX_FILE", tmp)
	r.Git("read-tree", "HEAD")
	check("temporary index (git commit -a)")
}

func TestTreeIDRefusesUnmerged(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "base\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("f.txt", "side\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("f.txt", "main\n")
	r.Commit("main")
	r.TryGit("merge", "-q", "side")
	idx, err := Read(filepath.Join(r.Dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idx.TreeID(); err == nil {
		t.Error("unmerged index: no error")
	}
	if _, err := TreeIDOf(filepath.Join(r.Dir, ".git", "index")); err == nil {
		t.Error("unmerged index: TreeIDOf gave no error")
	}
}

// TestTreeIDOfPassesOverValidDirectories (issue 20): the receipt's lean
// reader keeps one entry for each directory whose cache-tree record is
// valid. Over rounds of staged edits in a tree of nested directories, with
// intent-to-add entries at the head of a valid directory and alone in one,
// it must give exactly the tree `git write-tree` writes.
func TestTreeIDOfPassesOverValidDirectories(t *testing.T) {
	r := gittest.New(t)
	var files []string
	for _, d := range []string{"a", "a/b", "a/b/c", "b", "b/x", "c", "d/e/f"} {
		for i := range 4 {
			f := fmt.Sprintf("%s/f%d.txt", d, i)
			r.Write(f, f+"\n")
			files = append(files, f)
		}
	}
	r.Write("top.txt", "top\n")
	r.Commit("base")
	r.Git("reset", "-q", "--hard")
	file := filepath.Join(r.Dir, ".git", "index")
	check := func(step string) {
		t.Helper()
		got, err := TreeIDOf(file)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if want := r.Git("write-tree"); hex.EncodeToString(got[:]) != want {
			t.Fatalf("%s: TreeIDOf = %x, git write-tree = %s", step, got, want)
		}
	}
	check("clean")
	for round := range 12 {
		f := files[(round*7)%len(files)]
		r.Write(f, fmt.Sprintf("round %d\n", round))
		r.Git("add", f)
		check("edit " + f)
		r.Git("reset", "-q") // the index as HEAD, cache tree valid again
	}
	r.Write("b/x/0-first.txt", "new\n") // sorts first in a valid directory
	r.Git("add", "-N", "b/x/0-first.txt")
	r.Write("a/b/c/f0.txt", "edited\n")
	r.Git("add", "a/b/c/f0.txt")
	check("intent-to-add first in a directory")
	r.Write("only/new.txt", "new\n")
	r.Git("add", "-N", "only/new.txt")
	check("a directory of intent-to-add entries only")
	r.Git("rm", "-q", "--cached", "c/f1.txt")
	check("removed in a directory")
}

// TestTreeIDRefusesEmptyPathComponents: an index entry whose path has an
// empty component, which git never writes but a damaged or crafted index
// can hold, is a decoding error for both tree id readers; it sent hashTree
// into itself until the stack ran out, a fatal error the hook could not
// recover from (found by FuzzParse).
func TestTreeIDRefusesEmptyPathComponents(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixture(t).Dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"/op.txt", "a-b//.txt", "top.tx/"} {
		good := map[string]string{"/op.txt": "top.txt", "a-b//.txt": "a-b/u.txt", "top.tx/": "top.txt"}[bad]
		b := bytes.Replace(data, []byte(good+"\x00"), []byte(bad+"\x00"), 1)
		if bytes.Equal(b, data) {
			t.Fatalf("%s not in the index", good)
		}
		clear(b[len(b)-20:]) // no checksum to check
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: Parse gave no error", bad)
		}
		if _, err := treeIDOf(b); err == nil {
			t.Errorf("%s: treeIDOf gave no error", bad)
		}
	}
}
