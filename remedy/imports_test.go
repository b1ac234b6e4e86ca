package remedy

import (
	"go/format"
	"strings"
	"testing"
)

// insertAt applies EnvImport's answer to src.
func insertAt(t *testing.T, l Lang, src string) string {
	t.Helper()
	at, lines, ok := EnvImport(l, src)
	if !ok {
		t.Fatalf("EnvImport(%s) failed on:\n%s", l, src)
	}
	if at < 0 {
		return src
	}
	ls := strings.SplitAfter(src, "\n")
	out := strings.Join(ls[:at], "")
	for _, x := range lines {
		out += x + "\n"
	}
	return out + strings.Join(ls[at:], "")
}

// TestGoImportIsGofmtClean: "os" lands where gofmt keeps it, in every
// layout of import declarations.
func TestGoImportIsGofmtClean(t *testing.T) {
	for _, src := range []string{
		"package p\n\nfunc f() {}\n",
		"package p\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n",
		"package p\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n",
		"package p\n\nimport (\n\t\"bytes\"\n\t\"fmt\"\n)\n",
		"package p\n\nimport (\n\t\"strings\"\n\n\t\"example.com/x\"\n)\n",
		"package p\n\nimport (\n\t\"example.com/x\"\n)\n",
		"package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n",
	} {
		got := insertAt(t, Go, src)
		if !strings.Contains(got, `"os"`) {
			t.Errorf("no os import:\n%s", got)
		}
		f, err := format.Source([]byte(got))
		if err != nil || string(f) != got {
			t.Errorf("not gofmt-clean (%v):\n%s", err, got)
		}
	}
	if _, _, ok := EnvImport(Go, "package p\nimport (\n"); ok {
		t.Error("a broken header was accepted")
	}
}

func TestPythonImport(t *testing.T) {
	cases := []struct{ src, want string }{
		{"import os\nX = 1\n", "import os\nX = 1\n"},
		{"import sys, os.path\n", "import sys, os.path\n"},
		{"X = 1\n", "import os\n\nX = 1\n"},
		{"#!/usr/bin/env python3\n\"\"\"Doc\nmore.\"\"\"\nimport sys\n", "#!/usr/bin/env python3\n\"\"\"Doc\nmore.\"\"\"\nimport os\nimport sys\n"},
		{"from __future__ import annotations\nX = 1\n", "from __future__ import annotations\n\nimport os\nX = 1\n"},
		{"import os as o\n", "import os\nimport os as o\n"},
	}
	for _, c := range cases {
		if got := insertAt(t, Python, c.src); got != c.want {
			t.Errorf("%q:\ngot  %q\nwant %q", c.src, got, c.want)
		}
	}
}

// TestGoImportJoin: a single import "fmt" becomes a block with "os" in
// gofmt order, never a second import declaration (issue 17 item 7).
func TestGoImportJoin(t *testing.T) {
	for src, want := range map[string]string{
		"package m\n\nimport \"fmt\"\n\nvar x = fmt.Sprint()\n":        "import (\n\t\"fmt\"\n\t\"os\"\n)",
		"package m\n\nimport \"strings\"\n\nvar x = strings.ToUpper\n": "import (\n\t\"os\"\n\t\"strings\"\n)",
	} {
		ln, lines, ok := GoImportJoin(Go, src)
		if !ok || ln != 2 || strings.Join(lines, "\n") != want {
			t.Errorf("GoImportJoin(%q) = %d %q %v", src, ln, lines, ok)
		}
	}
	for _, src := range []string{
		"package m\n\nimport (\n\t\"fmt\"\n)\n",
		"package m\n\nimport \"fmt\"\nimport \"io\"\n",
		"package m\n\nimport \"os\"\n",
		"package m\n",
	} {
		if _, _, ok := GoImportJoin(Go, src); ok {
			t.Errorf("GoImportJoin(%q) joined", src)
		}
	}
}
