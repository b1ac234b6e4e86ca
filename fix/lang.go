package fix

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/leakhook/leakhook/remedy"
)

// supported are the languages fix rewrites. Others get manual steps: their
// env read needs more than one line changed (C#'s using, Terraform's
// variable block), or they cannot read the environment at all.
var supported = map[remedy.Lang]bool{
	remedy.Python: true, remedy.JavaScript: true, remedy.TypeScript: true, remedy.Go: true,
	remedy.Java: true, remedy.Ruby: true, remedy.PHP: true, remedy.Shell: true,
	remedy.YAML: true, remedy.Dotenv: true,
}

// escaping are the languages whose string literals have backslash escapes:
// a secret containing a backslash there is not the value the program sees,
// so it cannot be copied byte-for-byte into the env file.
var escaping = map[remedy.Lang]bool{
	remedy.Python: true, remedy.JavaScript: true, remedy.TypeScript: true, remedy.Go: true,
	remedy.Java: true, remedy.Ruby: true, remedy.PHP: true, remedy.Shell: true,
}

var dotenvAssign = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*)(.*?)(\s*)$`)
})

// rewriteDotenv replaces the secret in an .env-style line with a ${NAME}
// reference, which docker compose, python-dotenv, dotenv-expand, Ruby's
// dotenv and phpdotenv resolve from the environment. In an example or
// template file the value is simply dropped. Single-quoted values are
// literal in those loaders, so a secret inside one is replaced only when it
// is the whole value.
func rewriteDotenv(filePath, line, secret, name string) (string, bool) {
	m := dotenvAssign().FindStringSubmatch(line)
	if m == nil || !strings.Contains(m[2], secret) {
		return line, false
	}
	val := m[2]
	ref := "${" + name + "}"
	base := strings.ToLower(path.Base(filePath))
	if strings.Contains(base, "example") || strings.Contains(base, "sample") || strings.Contains(base, "template") {
		ref = ""
	}
	unq := val
	if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
		unq = val[1 : len(val)-1]
	}
	switch {
	case unq == secret:
		return m[1] + ref + m[3], true
	case strings.HasPrefix(val, "'"):
		return line, false
	case ref == "":
		return line, false
	}
	return m[1] + strings.ReplaceAll(val, secret, ref) + m[3], true
}

// goConst checks a Go line about to get os.Getenv: a constant cannot hold
// a function call. A one-line "const x = ..." becomes "var x = ..."; a line
// inside a const block cannot be fixed on its own. ok is false when the
// file does not parse.
func goConst(src string, line int) (toVar, inBlock, ok bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return false, false, false
	}
	for _, d := range f.Decls {
		gd, isGen := d.(*ast.GenDecl)
		if !isGen || gd.Tok != token.CONST {
			continue
		}
		from, to := fset.Position(gd.Pos()).Line, fset.Position(gd.End()).Line
		if line < from || line > to {
			continue
		}
		if gd.Lparen.IsValid() || from != to {
			return false, true, true
		}
		return true, false, true
	}
	// Constants inside function bodies.
	var inner bool
	ast.Inspect(f, func(n ast.Node) bool {
		ds, isDecl := n.(*ast.DeclStmt)
		if !isDecl {
			return true
		}
		gd := ds.Decl.(*ast.GenDecl)
		from, to := fset.Position(gd.Pos()).Line, fset.Position(gd.End()).Line
		if gd.Tok == token.CONST && line >= from && line <= to {
			if gd.Lparen.IsValid() || from != to {
				inner = true
			} else {
				toVar = true
			}
		}
		return true
	})
	return toVar, inner, true
}

var goConstKeyword = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\s*)const(\s)`) })
