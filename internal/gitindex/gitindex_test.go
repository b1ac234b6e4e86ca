package gitindex

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// fixture is a repository with nested directories, a committed cache tree
// and then one staged change, so the root and a/b are invalid while the
// other directories stay valid.
func fixture(t testing.TB) *gittest.Repo {
	r := gittest.New(t)
	for _, f := range []string{"top.txt", "a/x.go", "a/b/y.go", "a/b/c/z.go", "d/w.txt", "d/e/v.txt", "a-b/u.txt", "sp ace/ü.txt"} {
		r.Write(f, "content of "+f+"\n")
	}
	r.Commit("base")
	r.Git("reset", "-q", "--hard") // writes a fully valid cache tree
	r.Write("a/b/y.go", "changed\n")
	r.Git("add", "a/b/y.go")
	return r
}

// lsFiles renders entries like `git ls-files -s`.
func lsFiles(idx *Index) string {
	var b strings.Builder
	for _, e := range idx.Entries {
		fmt.Fprintf(&b, "%06o %x %d\t%s\n", e.Mode, e.Hash, e.Stage, e.Name)
	}
	return strings.TrimRight(b.String(), "\n")
}

func read(t *testing.T, r *gittest.Repo) *Index {
	t.Helper()
	idx, err := Read(filepath.Join(r.Dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

func TestEntriesMatchGitEveryVersion(t *testing.T) {
	r := fixture(t)
	// Version 3 is what git writes when an entry needs extended flags
	// (TestFlags); asked for 3 without them, it writes 2.
	for _, v := range []string{"2", "4"} {
		r.Git("update-index", "--index-version", v)
		idx := read(t, r)
		if fmt.Sprint(idx.Version) != v {
			t.Fatalf("version %d, want %s", idx.Version, v)
		}
		if got, want := lsFiles(idx), r.Git("-c", "core.quotePath=false", "ls-files", "-s"); got != want {
			t.Errorf("index v%s:\ngot\n%s\nwant\n%s", v, got, want)
		}
	}
}

func TestFlags(t *testing.T) {
	r := fixture(t)
	r.Write("new.txt", "later\n")
	r.Git("add", "-N", "new.txt")
	r.Git("update-index", "--skip-worktree", "d/w.txt")
	idx := read(t, r)
	if idx.Version != 3 {
		t.Errorf("version %d, want 3 (extended flags)", idx.Version)
	}
	if got, want := lsFiles(idx), r.Git("-c", "core.quotePath=false", "ls-files", "-s"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, e := range idx.Entries {
		if e.IntentToAdd != (e.Name == "new.txt") || e.SkipWorktree != (e.Name == "d/w.txt") {
			t.Errorf("%s: intent-to-add %v, skip-worktree %v", e.Name, e.IntentToAdd, e.SkipWorktree)
		}
	}
}

func TestUnmergedStages(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "base\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("f.txt", "side\n")
	r.Commit("side")
	r.Git("checkout", "-q", "main")
	r.Write("f.txt", "main\n")
	r.Commit("main")
	r.TryGit("merge", "-q", "side") // conflicts
	if got, want := lsFiles(read(t, r)), r.Git("ls-files", "-s"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestValidTreesKeepsSubtreesOfInvalidRoot is the reason this package
// exists: with a change staged, the unchanged directories' tree ids are
// still known.
func TestValidTreesKeepsSubtreesOfInvalidRoot(t *testing.T) {
	r := fixture(t)
	valid := read(t, r).ValidTrees()
	for _, dir := range []string{"", "a", "a/b"} {
		if _, ok := valid[dir]; ok {
			t.Errorf("%q is valid, but a/b/y.go was staged under it", dir)
		}
	}
	if _, ok := valid["d/e"]; ok {
		t.Errorf("d/e is listed, but its parent d is valid: only topmost valid directories are")
	}
	for _, dir := range []string{"a/b/c", "d", "a-b", "sp ace"} {
		h, ok := valid[dir]
		if !ok {
			t.Errorf("%q missing from the valid trees %v", dir, valid)
			continue
		}
		if want := r.Git("rev-parse", "HEAD:"+dir); hex.EncodeToString(h[:]) != want {
			t.Errorf("%q: tree %x, HEAD has %s", dir, h, want)
		}
	}
	all := read(t, r).AllValidTrees()
	for _, dir := range []string{"a/b/c", "d", "d/e", "a-b", "sp ace"} {
		if h, ok := all[dir]; !ok || hex.EncodeToString(h[:]) != r.Git("rev-parse", "HEAD:"+dir) {
			t.Errorf("AllValidTrees: %q is %x (listed: %v), want HEAD's tree", dir, h, ok)
		}
	}
	r.Git("reset", "-q", "--hard")
	valid = read(t, r).ValidTrees()
	if h := valid[""]; len(valid) != 1 || hex.EncodeToString(h[:]) != r.Git("rev-parse", "HEAD^{tree}") {
		t.Errorf("after reset the root alone should be listed, with HEAD's tree; got %x", valid)
	}
	if all := read(t, r).AllValidTrees(); len(all) < 6 {
		t.Errorf("after reset every directory is valid; AllValidTrees lists %d: %v", len(all), all)
	}
}

func TestCorruptIndexIsAnError(t *testing.T) {
	r := fixture(t)
	data, err := os.ReadFile(filepath.Join(r.Dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), data...)
	flipped[40] ^= 1
	for name, b := range map[string][]byte{
		"flipped byte": flipped,
		"truncated":    data[:len(data)/2],
		"empty":        nil,
		"not an index": []byte("hello, this is not an index file at all........"),
	} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: no error", name)
		}
		if name != "flipped byte" { // the checksum is not TreeIDOf's to check
			if _, err := treeIDOf(b); err == nil {
				t.Errorf("%s: treeIDOf gave no error", name)
			}
		}
	}
}

func TestSplitIndexIsAnError(t *testing.T) {
	r := fixture(t)
	r.Git("update-index", "--split-index")
	if _, err := Read(filepath.Join(r.Dir, ".git", "index")); err == nil {
		t.Error("split index: no error (its entries live in another file)")
	}
}

// FuzzParse: arbitrary bytes (with the checksum skipped) never panic, and
// the receipt's lean tree id (treeIDOf) is TreeID's whenever both decode.
func FuzzParse(f *testing.F) {
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00"))
	// A real index, with valid and stale cache-tree records, so that the
	// two tree ids are compared on one from the start.
	if data, err := os.ReadFile(filepath.Join(fixture(f).Dir, ".git", "index")); err == nil {
		f.Add(data[:len(data)-20])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		data := append(append([]byte(nil), b...), make([]byte, 20)...) // zero trailer: no checksum
		lean, leanErr := treeIDOf(data)
		if idx, err := Parse(data); err == nil {
			idx.ValidTrees()
			if h, err := idx.TreeID(); err == nil && (leanErr != nil || lean != h) {
				t.Fatalf("treeIDOf = %x, %v; TreeID = %x", lean, leanErr, h)
			}
		}
	})
}
