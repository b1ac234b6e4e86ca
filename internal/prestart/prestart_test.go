package prestart

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The init runs early only while the package imports nothing initialised
// late (see the package doc). This guards the list.
func TestImportsStayEarly(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "prestart.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"os": true, "sync": true}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if !allowed[p] {
			t.Errorf("prestart.go imports %q: its init would wait for that package's", p)
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
