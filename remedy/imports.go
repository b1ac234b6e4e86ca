package remedy

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// EnvImport says what a file in language l needs so that the read EnvRead
// puts in it compiles: "os" in Go, "import os" in Python; the other
// languages read the environment through a built-in. It returns the lines
// to insert before line index at (0-based; len(lines of src) appends), or
// at < 0 when nothing is needed. ok is false when the file's header cannot
// be understood well enough to place the import; callers then leave the
// file alone rather than produce code that does not build.
func EnvImport(l Lang, src string) (at int, lines []string, ok bool) {
	switch l {
	case Go:
		return goImport(src)
	case Python:
		return pyImport(src)
	}
	return -1, nil, true
}

// GoImportJoin: when a Go file's only import is one single-line
// declaration (import "fmt"), "os" joins it in a block, as gofmt would sort
// it: it returns the 0-based line of that declaration and the lines that
// replace it. ok is false for any other file (EnvImport handles those).
func GoImportJoin(l Lang, src string) (line int, lines []string, ok bool) {
	if l != Go {
		return 0, nil, false
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil || len(f.Imports) != 1 || len(f.Decls) != 1 {
		return 0, nil, false
	}
	gd, isGen := f.Decls[0].(*ast.GenDecl)
	im := f.Imports[0]
	if !isGen || gd.Lparen.IsValid() || im.Doc != nil || im.Comment != nil {
		return 0, nil, false
	}
	p, _ := strconv.Unquote(im.Path.Value)
	if p == "os" {
		return 0, nil, false
	}
	start, end := fset.Position(gd.Pos()).Line, fset.Position(gd.End()).Line
	if start != end {
		return 0, nil, false
	}
	src0 := strings.Split(src, "\n")[start-1]
	if strings.TrimSpace(strings.TrimRight(src0, "\r")) != "import "+specText(im) {
		return 0, nil, false // something else shares the line
	}
	specs := []string{"\t" + specText(im), "\t\"os\""}
	if p > "os" {
		specs[0], specs[1] = specs[1], specs[0]
	}
	return start - 1, append(append([]string{"import ("}, specs...), ")"), true
}

func specText(im *ast.ImportSpec) string {
	if im.Name != nil {
		return im.Name.Name + " " + im.Path.Value
	}
	return im.Path.Value
}

// goImport places "os" where gofmt would leave it: in sorted position in
// the first group of standard-library imports, else as its own group or
// declaration.
func goImport(src string) (int, []string, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ImportsOnly)
	if err != nil {
		return 0, nil, false
	}
	for _, im := range f.Imports {
		if p, _ := strconv.Unquote(im.Path.Value); p == "os" && (im.Name == nil || im.Name.Name == "os") {
			return -1, nil, true
		}
	}
	line := func(p token.Pos) int { return fset.Position(p).Line }
	srcLines := strings.Split(src, "\n")
	if len(f.Imports) == 0 {
		return line(f.Name.Pos()), []string{"", `import "os"`}, true
	}
	first := f.Imports[0]
	// Find the parenthesised declaration holding the first import.
	lp := -1
	for i := line(first.Pos()) - 2; i >= 0; i-- {
		t := strings.TrimSpace(srcLines[i])
		if strings.HasPrefix(t, "import") {
			if strings.HasSuffix(t, "(") {
				lp = i
			}
			break
		}
		if t != "" && !strings.HasPrefix(t, "//") {
			break
		}
	}
	if lp < 0 {
		// Single-line import declarations: add one more before the first.
		return line(first.Pos()) - 1, []string{`import "os"`}, true
	}
	var specs []int // 0-based line of each spec in this block, in order
	var paths []string
	prev := -1
	for _, im := range f.Imports {
		ln := line(im.Pos()) - 1
		if ln <= lp || (prev >= 0 && ln == prev) {
			if ln <= lp {
				return line(first.Pos()) - 1, []string{`import "os"`}, true
			}
			return 0, nil, false // several imports on one line
		}
		if prev >= 0 && !onlyBlankOrComment(srcLines[prev+1:ln]) {
			break // past the block's end
		}
		p, _ := strconv.Unquote(im.Path.Value)
		specs, paths, prev = append(specs, ln), append(paths, p), ln
	}
	indent := leadingSpace(srcLines[specs[0]])
	// Groups are separated by blank lines; use the first all-stdlib group.
	start := 0
	for i := 0; i <= len(specs); i++ {
		if i < len(specs) && (i == start || specs[i] == specs[i-1]+1) {
			continue
		}
		group := paths[start:i]
		if isStdGroup(group) {
			for j, p := range group {
				if p > "os" {
					return specs[start+j], []string{indent + `"os"`}, true
				}
			}
			return specs[i-1] + 1, []string{indent + `"os"`}, true
		}
		start = i
	}
	return specs[0], []string{indent + `"os"`, ""}, true
}

func onlyBlankOrComment(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "//") {
			return false
		}
	}
	return true
}

func leadingSpace(s string) string { return s[:len(s)-len(strings.TrimLeft(s, " \t"))] }

// isStdGroup reports a group of standard-library imports (no dot in the
// first path element).
func isStdGroup(paths []string) bool {
	for _, p := range paths {
		if first, _, _ := strings.Cut(p, "/"); strings.Contains(first, ".") {
			return false
		}
	}
	return len(paths) > 0
}

var (
	pyImportLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^import\s+(.+?)\s*(#.*)?$`) })
	pyOSItem     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^os(\.[A-Za-z_][A-Za-z0-9_]*)*$`) })
)

// pyImport places "import os" before the module's first top-level import,
// after any shebang, encoding line, comments, docstring and __future__
// imports (which must stay first).
func pyImport(src string) (int, []string, bool) {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	for _, l := range lines {
		if m := pyImportLine().FindStringSubmatch(l); m != nil {
			for _, it := range strings.Split(m[1], ",") {
				if pyOSItem().MatchString(strings.TrimSpace(it)) {
					return -1, nil, true
				}
			}
		}
	}
	i := 0
	skipBlank := func() {
		for i < len(lines) {
			t := strings.TrimSpace(lines[i])
			if t != "" && !strings.HasPrefix(t, "#") {
				return
			}
			i++
		}
	}
	skipBlank()
	if i < len(lines) {
		t := strings.TrimLeft(lines[i], "rRuU")
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(t, q) {
				rest := t[3:]
				for !strings.Contains(rest, q) {
					i++
					if i >= len(lines) {
						return 0, nil, false // unterminated docstring
					}
					rest = lines[i]
				}
				i++
				break
			}
		}
	}
	header := i
	for {
		skipBlank()
		if i >= len(lines) || !strings.HasPrefix(lines[i], "from __future__ import") {
			break
		}
		if strings.Contains(lines[i], "(") {
			for i < len(lines) && !strings.Contains(lines[i], ")") {
				i++
			}
		}
		i++
		header = i
	}
	skipBlank()
	if i < len(lines) && (strings.HasPrefix(lines[i], "import ") || strings.HasPrefix(lines[i], "from ")) {
		return i, []string{"import os"}, true
	}
	if header == 0 {
		return 0, []string{"import os", ""}, true
	}
	return header, []string{"", "import os"}, true
}
