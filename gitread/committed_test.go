package gitread

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TestFilesAtReadsAheadAsFileAtReads: the files read ahead with one git
// process are what FileAt reads one by one: contents, a file the revision
// lacks, a directory (no file), an empty file, paths with spaces, and a
// path not read ahead.
func TestFilesAtReadsAheadAsFileAtReads(t *testing.T) {
	r := gittest.New(t)
	r.Write(".leakhook.toml", "[extend]\nuseDefault = true\n")
	r.Write("dir/x.txt", "x\n")
	r.Write("empty", "")
	r.Write("other.txt", "other\n")
	r.Write("my config.toml", "spaced\n")
	r.Git("add", "-A")
	base := r.Commit("base")
	r.Write(".leakhook.toml", "changed\n")
	r.Git("add", "-A")
	tip := r.Commit("tip")
	repo := mustOpen(t, r)
	ctx := context.Background()
	one := FileAt(ctx, repo, base)
	// A missing path with a space once made cat-file's "<name> missing"
	// unreadable: an error, where FileAt had said the file is not there.
	ahead := FilesAt(ctx, repo, base, ".leakhook.toml", "missing", "dir", "empty", "my config.toml", "no such file.toml")
	for _, p := range []string{".leakhook.toml", "missing", "dir", "empty", "other.txt", "dir/x.txt", "my config.toml", "no such file.toml", "not ahead either.toml"} {
		got, gerr := ahead(p)
		want, werr := one(p)
		if string(got) != string(want) || errors.Is(gerr, fs.ErrNotExist) != errors.Is(werr, fs.ErrNotExist) || (gerr == nil) != (werr == nil) {
			t.Errorf("%s: read ahead %q, %v; FileAt %q, %v", p, got, gerr, want, werr)
		}
	}
	for _, p := range []string{"missing", "no such file.toml", "not ahead either.toml"} {
		if _, err := ahead(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s, which the revision lacks: %v, want fs.ErrNotExist", p, err)
		}
	}
	if got, err := one("my config.toml"); string(got) != "spaced\n" || err != nil {
		t.Errorf("a path with a space: %q, %v", got, err)
	}

	ids, err := FileIDs(ctx, repo, []string{base, tip, base}, ".leakhook.toml", "missing", "other.txt")
	if err != nil {
		t.Fatal(err)
	}
	blob := func(rev, p string) string { return r.Git("rev-parse", rev+":"+p) }
	want := [][]string{
		{blob(base, ".leakhook.toml"), blob(tip, ".leakhook.toml"), blob(base, ".leakhook.toml")},
		{"", "", ""},
		{blob(base, "other.txt"), blob(tip, "other.txt"), blob(base, "other.txt")},
	}
	for i := range want {
		if !slices.Equal(ids[i], want[i]) {
			t.Errorf("FileIDs, path %d: %q, want %q", i, ids[i], want[i])
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
	for name, read := range map[string]func(string) ([]byte, error){
		"FileAt":  FileAt(ctx, repo, base),
		"FilesAt": FilesAt(ctx, repo, base, ".leakhook-baseline"),
	} {
		data, err := read(".leakhook-baseline")
		if err == nil || !strings.Contains(err.Error(), ".leakhook-baseline is 2048 bytes") || data != nil {
			t.Errorf("%s of a blob over the bound: %d bytes, %v", name, len(data), err)
		}
		if data, err := read(".leakhook.toml"); err != nil || string(data) != "title = \"small\"\n" {
			t.Errorf("%s of a small file: %q, %v", name, data, err)
		}
	}
}

// TestFirstCommitAsksOnce: the base of a push or history scan is the first
// candidate naming a commit, found with one git process: a missing ref, a
// blob and an option-like name are passed over, an annotated tag counts as
// its commit.
func TestFirstCommitAsksOnce(t *testing.T) {
	r := gittest.New(t)
	r.Write("f", "x\n")
	r.Git("add", "-A")
	c := r.Commit("one")
	r.Git("tag", "-a", "-m", "v1", "v1")
	blob := r.Git("rev-parse", c+":f")
	repo := mustOpen(t, r)
	ctx := context.Background()
	i, id := FirstCommit(ctx, repo, "refs/remotes/origin/HEAD", blob, "--all", "refs/tags/v1", "refs/heads/main")
	if i != 3 || id != c {
		t.Errorf("FirstCommit: %d %s, want 3 %s (the tag's commit)", i, id, c)
	}
	if i, id := FirstCommit(ctx, repo, "refs/remotes/origin/main", "nope"); i != -1 || id != "" {
		t.Errorf("no candidate names a commit, yet %d %q", i, id)
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
