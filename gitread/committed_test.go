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

// TestFilesAtFirstIsFirstCommitThenFilesAt: the one git that finds where a
// push's configuration is and reads it agrees with FirstCommit and then
// FilesAt: candidates that name nothing, a blob, a tree or look like an
// option are passed over, a tag of a commit counts, files the commit lacks
// or holds as a directory are no files, other paths are read as FileAt
// reads them, and a blob over the bound is an error naming it.
func TestFilesAtFirstIsFirstCommitThenFilesAt(t *testing.T) {
	r := gittest.New(t)
	r.Write(".leakhook.toml", "[extend]\nuseDefault = true\n")
	r.Write(".gitleaksignore/x", "a directory\n")
	r.Write("other.txt", "other\n")
	r.Git("add", "-A")
	base := r.Commit("base")
	r.Git("tag", "-a", "-m", "tagged", "v1", base)
	r.Write(".leakhook.toml", "changed\n")
	r.Git("add", "-A")
	tip := r.Commit("tip")
	blob := r.Git("rev-parse", tip+":other.txt")
	tree := r.Git("rev-parse", tip+"^{tree}")
	repo := mustOpen(t, r)
	ctx := context.Background()
	paths := []string{".leakhook.toml", ".gitleaksignore", ".leakhook-baseline"}
	for _, revs := range [][]string{
		{"refs/remotes/origin/HEAD", "-x", "", blob, tree, "v1", tip},
		{strings.Repeat("0", 40), "refs/tags/v1"},
		{tip, base},
		{"refs/heads/main"},
		{"nothing", "here"},
		nil,
	} {
		wantI, wantID := FirstCommit(ctx, repo, revs...)
		i, id, ids, read, err := FilesAtFirst(ctx, repo, revs, paths...)
		if err != nil || i != wantI || id != wantID {
			t.Errorf("%q: %d %s %v; FirstCommit says %d %s", revs, i, id, err, wantI, wantID)
			continue
		}
		if i < 0 {
			if read != nil || ids != nil {
				t.Errorf("%q: no commit, yet a reader", revs)
			}
			continue
		}
		ahead := FilesAt(ctx, repo, id, paths...)
		for n, p := range append(paths, "other.txt", "missing.txt") {
			got, gerr := read(p)
			want, werr := ahead(p)
			if string(got) != string(want) || errors.Is(gerr, fs.ErrNotExist) != errors.Is(werr, fs.ErrNotExist) || (gerr == nil) != (werr == nil) {
				t.Errorf("%q, %s: %q, %v; FilesAt %q, %v", revs, p, got, gerr, want, werr)
			}
			if n < len(paths) {
				wantBlob := ""
				if werr == nil {
					wantBlob = r.Git("rev-parse", id+":"+p)
				}
				if ids[n] != wantBlob {
					t.Errorf("%q, %s: blob %q, want %q", revs, p, ids[n], wantBlob)
				}
			}
		}
	}
	defer func(old int64) { maxCommittedFile = old }(maxCommittedFile)
	maxCommittedFile = 8
	if _, _, _, _, err := FilesAtFirst(ctx, repo, []string{tip}, paths...); err == nil || !strings.Contains(err.Error(), "is read only up to 8") {
		t.Errorf("a configuration over the bound: %v", err)
	}
}
