package gitread

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TestFileAtReadsCommittedFiles: FileAt reads files as a revision holds
// them: contents, an empty file, a path with spaces; a file the revision
// lacks (a path with a space too), a directory and a later commit's file
// are fs.ErrNotExist.
func TestFileAtReadsCommittedFiles(t *testing.T) {
	r := gittest.New(t)
	r.Write(".leakhook.toml", "[extend]\nuseDefault = true\n")
	r.Write("dir/x.txt", "x\n")
	r.Write("empty", "")
	r.Write("my config.toml", "spaced\n")
	r.Git("add", "-A")
	base := r.Commit("base")
	r.Write("later.txt", "later\n")
	r.Git("add", "-A")
	r.Commit("tip")
	read := FileAt(context.Background(), mustOpen(t, r), base)
	for p, want := range map[string]string{".leakhook.toml": "[extend]\nuseDefault = true\n", "dir/x.txt": "x\n", "empty": "", "my config.toml": "spaced\n"} {
		if got, err := read(p); string(got) != want || err != nil {
			t.Errorf("%s: %q, %v; want %q", p, got, err, want)
		}
	}
	// A missing path with a space once made cat-file's "<name> missing"
	// unreadable: an error, where the file is simply not there.
	for _, p := range []string{"missing", "no such file.toml", "dir", "later.txt"} {
		if got, err := read(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s, no file at the revision: %q, %v; want fs.ErrNotExist", p, got, err)
		}
	}
}

// TestCommittedFilesAreBounded: a revision's configuration or baseline is
// read into memory whole, so a hostile push of a huge blob (a 4 GB
// baseline) must be refused by its size, named, never allocated.
func TestCommittedFilesAreBounded(t *testing.T) {
	r := gittest.New(t)
	r.Write(".leakhook-baseline", strings.Repeat("x", 2048))
	r.Write(".leakhook.toml", "title = \"small\"\n")
	r.Git("add", "-A")
	base := r.Commit("big baseline")
	repo := mustOpen(t, r)
	ctx := context.Background()
	defer func(old int64) { maxCommittedFile = old }(maxCommittedFile)
	maxCommittedFile = 1024
	read := FileAt(ctx, repo, base)
	data, err := read(".leakhook-baseline")
	if err == nil || !strings.Contains(err.Error(), ".leakhook-baseline is 2048 bytes") || data != nil {
		t.Errorf("FileAt of a blob over the bound: %d bytes, %v", len(data), err)
	}
	if data, err := read(".leakhook.toml"); err != nil || string(data) != "title = \"small\"\n" {
		t.Errorf("FileAt of a small file: %q, %v", data, err)
	}
}

// TestLookUpAsksOnce: what a push asks before its scan is answered by one
// git for every name, as rev-parse would answer each: commits, a tag of a
// commit peeled, a blob that is no commit, files (a path with a space
// too), a directory, and names that name nothing or cannot be asked.
func TestLookUpAsksOnce(t *testing.T) {
	r := gittest.New(t)
	r.Write(".leakhook.toml", "[extend]\nuseDefault = true\n")
	r.Write("my dir/my file", "spaced\n")
	r.Git("add", "-A")
	c := r.Commit("one")
	r.Git("tag", "-a", "-m", "v1", "v1")
	blob := r.Git("rev-parse", c+":.leakhook.toml")
	repo := mustOpen(t, r)
	ctx := context.Background()
	names := []string{c + "^{commit}", "v1^{commit}", blob + "^{commit}", c + ":.leakhook.toml", "v1:my dir/my file",
		c + ":my dir", c + ":.leakhook-baseline", "refs/remotes/origin/HEAD^{commit}", "-x", "", "a\nb", c + "^{commit}"}
	objs, err := LookUp(ctx, repo, names)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Object{
		c + "^{commit}":       {c, "commit"},
		"v1^{commit}":         {c, "commit"},
		c + ":.leakhook.toml": {blob, "blob"},
		"v1:my dir/my file":   {r.Git("rev-parse", c+":my dir/my file"), "blob"},
		c + ":my dir":         {r.Git("rev-parse", c+":my dir"), "tree"},
	}
	for _, n := range names {
		if objs[n] != want[n] {
			t.Errorf("%q: %+v, want %+v", n, objs[n], want[n])
		}
	}
	got, err := Blobs(ctx, repo, []string{blob}, func(string) string { return "x" })
	if err != nil || string(got[blob]) != "[extend]\nuseDefault = true\n" {
		t.Errorf("Blobs: %q, %v", got, err)
	}
	if _, err := Blobs(ctx, repo, []string{want[c+":my dir"].ID}, func(string) string { return "x" }); err == nil {
		t.Error("Blobs read a tree")
	}
	defer func(old int64) { maxCommittedFile = old }(maxCommittedFile)
	maxCommittedFile = 8
	if _, err := Blobs(ctx, repo, []string{blob}, func(string) string { return c[:12] + ":.leakhook.toml" }); err == nil || !strings.Contains(err.Error(), c[:12]+":.leakhook.toml is 27 bytes") {
		t.Errorf("a blob over the bound: %v", err)
	}
}

// TestLookUpInTurn (issue 20): one git answers groups of names, each passed
// on, in order, in a map of its own, once its answers are in; a group with
// nothing to ask (or only names that cannot be asked) is passed on in its
// turn, a name in two groups is answered in both, and a git that fails
// passes on no group after the failure.
func TestLookUpInTurn(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "x\n")
	c := r.Commit("one")
	repo := mustOpen(t, r)
	ctx := context.Background()
	groups := [][]string{{c + ":f.txt"}, nil, {"-x", ""}, {c, c + ":f.txt", "refs/heads/nope"}}
	var order []int
	var seen []map[string]Object
	err := LookUpInTurn(ctx, repo, groups, func(g int, objs map[string]Object) {
		order = append(order, g)
		seen = append(seen, objs)
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(order) != "[0 1 2 3]" {
		t.Fatalf("groups passed on in the order %v", order)
	}
	blob := r.Git("rev-parse", c+":f.txt")
	if seen[0][c+":f.txt"].ID != blob || seen[3][c+":f.txt"].ID != blob || seen[3][c].Type != "commit" {
		t.Errorf("answers: %v", seen)
	}
	if len(seen[1]) != 0 || seen[2]["-x"] != (Object{}) || seen[3]["refs/heads/nope"] != (Object{}) {
		t.Errorf("names with no object got answers: %v", seen)
	}
	order = nil
	err = LookUpInTurn(ctx, &Repo{GitDir: t.TempDir(), CommonDir: t.TempDir(), Root: t.TempDir()}, [][]string{nil, {c}}, func(g int, _ map[string]Object) {
		order = append(order, g)
	})
	if err == nil || fmt.Sprint(order) != "[0]" {
		t.Errorf("outside a repository: %v, groups passed on %v (want only the one with nothing to ask)", err, order)
	}
}
