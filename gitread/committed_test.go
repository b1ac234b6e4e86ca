package gitread

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TestFilesAtReadsAheadAsFileAtReads: the files read ahead with one git
// process are what FileAt reads one by one: contents, a file the revision
// lacks, a directory (no file), an empty file, and a path not read ahead.
func TestFilesAtReadsAheadAsFileAtReads(t *testing.T) {
	r := gittest.New(t)
	r.Write(".leakhook.toml", "[extend]\nuseDefault = true\n")
	r.Write("dir/x.txt", "x\n")
	r.Write("empty", "")
	r.Write("other.txt", "other\n")
	r.Git("add", "-A")
	base := r.Commit("base")
	r.Write(".leakhook.toml", "changed\n")
	r.Git("add", "-A")
	tip := r.Commit("tip")
	repo := mustOpen(t, r)
	ctx := context.Background()
	ahead := FilesAt(ctx, repo, base, ".leakhook.toml", "missing", "dir", "empty")
	one := FileAt(ctx, repo, base)
	for _, p := range []string{".leakhook.toml", "missing", "dir", "empty", "other.txt", "dir/x.txt"} {
		got, gerr := ahead(p)
		want, werr := one(p)
		if string(got) != string(want) || errors.Is(gerr, fs.ErrNotExist) != errors.Is(werr, fs.ErrNotExist) || (gerr == nil) != (werr == nil) {
			t.Errorf("%s: read ahead %q, %v; FileAt %q, %v", p, got, gerr, want, werr)
		}
	}
	if _, err := ahead("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file the revision lacks: %v, want fs.ErrNotExist", err)
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
