package prestart

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The init runs early only while the package imports nothing initialised
// late (see the package doc). This guards the list.
func TestImportsStayEarly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"os": true, "sync": true, "syscall": true} // os imports syscall: it is done before os
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !allowed[p] {
				t.Errorf("%s imports %q: its init would wait for that package's", name, p)
			}
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "tool")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", "relative:"+filepath.Join(dir, "missing")+"::"+dir)
	if got := lookPath("tool"); got != exe {
		t.Errorf("lookPath(tool) = %q, want %q", got, exe)
	}
	for _, name := range []string{"plain", "adir", "nothing"} {
		if got := lookPath(name); got != "" {
			t.Errorf("lookPath(%s) = %q, want nothing", name, got)
		}
	}
	// os/exec refuses programs found through relative PATH entries; so does lookPath.
	t.Chdir(dir)
	t.Setenv("PATH", ".")
	if got := lookPath("tool"); got != "" {
		t.Errorf("lookPath through PATH=. = %q, want nothing", got)
	}
}

func TestPackIndexBytes(t *testing.T) {
	git := t.TempDir()
	pack := filepath.Join(git, "objects", "pack")
	if err := os.MkdirAll(pack, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, size := range map[string]int{"pack-a.idx": 100, "pack-b.idx": 23, "pack-a.pack": 5000, "multi-pack-index": 70} {
		if err := os.WriteFile(filepath.Join(pack, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := PackIndexBytes(git); got != 123 {
		t.Errorf("PackIndexBytes = %d, want 123", got)
	}
	if got := PackIndexBytes(filepath.Join(git, "nothing")); got != 0 {
		t.Errorf("PackIndexBytes of no repository = %d", got)
	}
}

// TestInProcessCheaper (issue 20): the reader is chosen on cost, not on the
// object store's size alone. A repository with a real index written by git
// and pack indexes past GoGitMaxIdxBytes goes to git while its index is
// small, and to the in-process reader once the index holds
// InProcessMinEntries entries; a small object store always reads in process.
func TestInProcessCheaper(t *testing.T) {
	dir := t.TempDir()
	git := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("", "init", "-q")
	gitDir, index := filepath.Join(dir, ".git"), filepath.Join(dir, ".git", "index")
	entries := func(n int) {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\td%d/f%d\n", i%100, i)
		}
		git("", "read-tree", "--empty")
		git(b.String(), "update-index", "--add", "--index-info")
		if got := IndexEntries(index); got != n {
			t.Fatalf("IndexEntries = %d, git wrote %d", got, n)
		}
	}
	entries(10)
	if !InProcessCheaper(gitDir, index) {
		t.Error("a small repository goes to git")
	}
	// Pack indexes past the threshold (a sparse file: only its size is read).
	idx, err := os.Create(filepath.Join(gitDir, "objects", "pack", "pack-x.idx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.Truncate(GoGitMaxIdxBytes + 1); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if InProcessCheaper(gitDir, index) {
		t.Error("a large object store with a 10-entry index reads in process")
	}
	entries(InProcessMinEntries)
	if !InProcessCheaper(gitDir, index) {
		t.Errorf("a %d-entry index goes to git", InProcessMinEntries)
	}
	if IndexEntries(filepath.Join(dir, "missing")) != 0 {
		t.Error("a missing index has entries")
	}
}
