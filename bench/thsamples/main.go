// Command thsamples builds a recall suite from TruffleHog's detector pattern
// tests, read at run time from a checkout; nothing of TruffleHog is kept in
// this repository.
//
//	go run ./bench/thsamples SRC_DIR OUT_DIR
//
// SRC_DIR holds pkg/detectors (a tree exported from trufflesecurity/trufflehog).
// Each detector's tests (pkg/detectors/<name>/<name>_test.go, integration
// tests skipped) hold a Test<X>_Pattern function whose table lists cases of
// {name, input, want []string}. Every case whose input can be evaluated
// statically (string literals, constants and variables of the package or the
// function, +, fmt.Sprintf, strings.Repeat and a few more) is written out:
// OUT_DIR/pos/<detector>_<n>.txt when want is non-empty, else
// OUT_DIR/neg/<detector>_<n>.txt. OUT_DIR/truth.json lists the positive files
// in the format ../shared/peer-suites/score.py reads: the whole file is the
// planted secret's range and its type is the detector's name (its directory
// under pkg/detectors, "/" written "."). Counts of positive, negative and
// skipped cases go to stderr.
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// truth is one planted secret, as score.py reads it.
type truth struct {
	Type    string `json:"type"`
	File    string `json:"file"`
	Lines   [2]int `json:"lines"`
	Neutral []int  `json:"neutral"`
}

// A test case as found in a table.
type sample struct {
	detector string
	input    string
	pos      bool
}

var errDynamic = errors.New("not static")

// scope resolves identifiers: the function's own assignments first, then the
// package's constants and variables (from all its files).
type scope struct {
	pkg   map[string]ast.Expr
	local map[string]ast.Expr
	types map[string]ast.Expr // named types: package level and function level
	depth int
}

func (s *scope) lookup(name string) (ast.Expr, bool) {
	if e, ok := s.local[name]; ok {
		return e, true
	}
	e, ok := s.pkg[name]
	return e, ok
}

// eval returns a string, int64, float64 or bool, or errDynamic.
func (s *scope) eval(e ast.Expr) (any, error) {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > 64 {
		return nil, errDynamic
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			return strconv.Unquote(e.Value)
		case token.INT:
			return strconv.ParseInt(e.Value, 0, 64)
		case token.FLOAT:
			return strconv.ParseFloat(e.Value, 64)
		case token.CHAR:
			v, _, _, err := strconv.UnquoteChar(e.Value[1:len(e.Value)-1], '\'')
			return int64(v), err
		}
	case *ast.ParenExpr:
		return s.eval(e.X)
	case *ast.Ident:
		switch e.Name {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		if v, ok := s.lookup(e.Name); ok && v != nil {
			return s.eval(v)
		}
	case *ast.BinaryExpr:
		x, err := s.eval(e.X)
		if err != nil {
			return nil, err
		}
		y, err := s.eval(e.Y)
		if err != nil {
			return nil, err
		}
		switch x := x.(type) {
		case string:
			if y, ok := y.(string); ok && e.Op == token.ADD {
				return x + y, nil
			}
		case int64:
			if y, ok := y.(int64); ok {
				switch e.Op {
				case token.ADD:
					return x + y, nil
				case token.SUB:
					return x - y, nil
				case token.MUL:
					return x * y, nil
				case token.QUO:
					if y != 0 {
						return x / y, nil
					}
				}
			}
		}
	case *ast.CallExpr:
		return s.call(e)
	}
	return nil, errDynamic
}

func (s *scope) strings(args []ast.Expr) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		v, err := s.eval(a)
		if err != nil {
			return nil, err
		}
		str, ok := v.(string)
		if !ok {
			return nil, errDynamic
		}
		out[i] = str
	}
	return out, nil
}

func (s *scope) call(e *ast.CallExpr) (any, error) {
	// Conversions: string(x), []byte(x).
	switch f := e.Fun.(type) {
	case *ast.Ident:
		if f.Name == "string" && len(e.Args) == 1 {
			v, err := s.eval(e.Args[0])
			if err != nil {
				return nil, err
			}
			switch v := v.(type) {
			case string:
				return v, nil
			case int64:
				return string(rune(v)), nil
			}
		}
		return nil, errDynamic
	case *ast.ArrayType:
		if id, ok := f.Elt.(*ast.Ident); ok && id.Name == "byte" && f.Len == nil && len(e.Args) == 1 {
			return s.eval(e.Args[0])
		}
		return nil, errDynamic
	}
	name := callName(e.Fun)
	if e.Ellipsis.IsValid() {
		return nil, errDynamic
	}
	switch name {
	case "fmt.Sprintf", "fmt.Sprint":
		args := make([]any, len(e.Args))
		for i, a := range e.Args {
			v, err := s.eval(a)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
		if name == "fmt.Sprint" {
			return fmt.Sprint(args...), nil
		}
		if len(args) == 0 {
			return nil, errDynamic
		}
		format, ok := args[0].(string)
		if !ok {
			return nil, errDynamic
		}
		out := fmt.Sprintf(format, args[1:]...)
		if strings.Contains(out, "%!") { // a verb fmt could not fill: not what the test meant
			return nil, errDynamic
		}
		return out, nil
	case "strings.Repeat":
		if len(e.Args) != 2 {
			return nil, errDynamic
		}
		str, err := s.strings(e.Args[:1])
		if err != nil {
			return nil, err
		}
		n, err := s.eval(e.Args[1])
		if err != nil {
			return nil, err
		}
		if n, ok := n.(int64); ok && n >= 0 && n < 1<<20 {
			return strings.Repeat(str[0], int(n)), nil
		}
	case "strings.TrimSpace", "strings.ToUpper", "strings.ToLower":
		if len(e.Args) != 1 {
			return nil, errDynamic
		}
		str, err := s.strings(e.Args)
		if err != nil {
			return nil, err
		}
		switch name {
		case "strings.TrimSpace":
			return strings.TrimSpace(str[0]), nil
		case "strings.ToUpper":
			return strings.ToUpper(str[0]), nil
		}
		return strings.ToLower(str[0]), nil
	case "strings.TrimPrefix", "strings.TrimSuffix":
		if len(e.Args) != 2 {
			return nil, errDynamic
		}
		str, err := s.strings(e.Args)
		if err != nil {
			return nil, err
		}
		if name == "strings.TrimPrefix" {
			return strings.TrimPrefix(str[0], str[1]), nil
		}
		return strings.TrimSuffix(str[0], str[1]), nil
	case "strings.ReplaceAll":
		if len(e.Args) != 3 {
			return nil, errDynamic
		}
		str, err := s.strings(e.Args)
		if err != nil {
			return nil, err
		}
		return strings.ReplaceAll(str[0], str[1], str[2]), nil
	case "strings.Join":
		if len(e.Args) != 2 {
			return nil, errDynamic
		}
		lit, ok := e.Args[0].(*ast.CompositeLit)
		if !ok {
			return nil, errDynamic
		}
		parts, err := s.strings(lit.Elts)
		if err != nil {
			return nil, err
		}
		sep, err := s.strings(e.Args[1:])
		if err != nil {
			return nil, err
		}
		return strings.Join(parts, sep[0]), nil
	case "base64.StdEncoding.EncodeToString", "base64.URLEncoding.EncodeToString",
		"base64.RawStdEncoding.EncodeToString", "base64.RawURLEncoding.EncodeToString":
		if len(e.Args) != 1 {
			return nil, errDynamic
		}
		str, err := s.strings(e.Args)
		if err != nil {
			return nil, err
		}
		enc := map[string]*base64.Encoding{
			"base64.StdEncoding.EncodeToString":    base64.StdEncoding,
			"base64.URLEncoding.EncodeToString":    base64.URLEncoding,
			"base64.RawStdEncoding.EncodeToString": base64.RawStdEncoding,
			"base64.RawURLEncoding.EncodeToString": base64.RawURLEncoding,
		}[name]
		return enc.EncodeToString([]byte(str[0])), nil
	}
	return nil, errDynamic
}

// callName spells a call's function as a dotted path (fmt.Sprintf), or "".
func callName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x := callName(e.X); x != "" {
			return x + "." + e.Sel.Name
		}
	}
	return ""
}

// pkgDecls gathers the package-level constants, variables and types of the
// files in dir (an iota constant is left out: it is never an input).
func pkgDecls(files []*ast.File) (vals, types map[string]ast.Expr) {
	vals, types = map[string]ast.Expr{}, map[string]ast.Expr{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			addGenDecl(g, vals, types)
		}
	}
	return vals, types
}

func addGenDecl(g *ast.GenDecl, vals, types map[string]ast.Expr) {
	for _, sp := range g.Specs {
		switch sp := sp.(type) {
		case *ast.ValueSpec:
			for i, n := range sp.Names {
				if i < len(sp.Values) && len(sp.Names) == len(sp.Values) {
					vals[n.Name] = sp.Values[i]
				} else {
					vals[n.Name] = nil // declared, not statically known
				}
			}
		case *ast.TypeSpec:
			types[sp.Name.Name] = sp.Type
		}
	}
}

// localDecls gathers a function's own assignments (name := value, var name =
// value, const); a name assigned twice is not statically known.
func localDecls(body *ast.BlockStmt, types map[string]ast.Expr) map[string]ast.Expr {
	vals := map[string]ast.Expr{}
	seen := map[string]int{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // the subtests' closures assign their own names
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				seen[id.Name]++
				if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.DEFINE || n.Tok == token.ASSIGN) {
					vals[id.Name] = n.Rhs[i]
				} else {
					vals[id.Name] = nil
				}
			}
		case *ast.DeclStmt:
			if g, ok := n.Decl.(*ast.GenDecl); ok {
				m := map[string]ast.Expr{}
				addGenDecl(g, m, types)
				for k, v := range m {
					seen[k]++
					vals[k] = v
				}
			}
		}
		return true
	})
	for k, c := range seen {
		if c > 1 {
			vals[k] = nil
		}
	}
	return vals
}

// fields lists a struct type's field names in order with their types.
func fields(st *ast.StructType) (names []string, typ map[string]ast.Expr) {
	typ = map[string]ast.Expr{}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
			typ[n.Name] = f.Type
		}
	}
	return names, typ
}

func isType(e ast.Expr, want string) bool {
	if elt, ok := strings.CutPrefix(want, "[]"); ok {
		a, ok := e.(*ast.ArrayType)
		return ok && a.Len == nil && isType(a.Elt, elt)
	}
	id, ok := e.(*ast.Ident)
	return ok && id.Name == want
}

var patternTest = regexp.MustCompile(`^Test.*_Pattern`)

type counts struct{ pos, neg, skipped, tables, untabled int }

// fromFile collects the cases of the pattern tests in one file; unreadable
// cases are counted as skipped, with the reason on stderr when verbose.
func fromFile(f *ast.File, fset *token.FileSet, detector string, pkgVals, pkgTypes map[string]ast.Expr, c *counts, verbose bool) []sample {
	var out []sample
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || fn.Recv != nil || !patternTest.MatchString(fn.Name.Name) {
			continue
		}
		types := map[string]ast.Expr{}
		for k, v := range pkgTypes {
			types[k] = v
		}
		sc := &scope{pkg: pkgVals, local: localDecls(fn.Body, types), types: types}
		found := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			arr, ok := lit.Type.(*ast.ArrayType)
			if !ok || arr.Len != nil {
				return true
			}
			elt := arr.Elt
			if id, ok := elt.(*ast.Ident); ok {
				elt = types[id.Name]
			}
			st, ok := elt.(*ast.StructType)
			if !ok {
				return true
			}
			names, typ := fields(st)
			input, want := "", ""
			for _, n := range []string{"input", "data"} {
				if t, ok := typ[n]; ok && isType(t, "string") {
					input = n
					break
				}
			}
			for _, n := range wantFields {
				if t, ok := typ[n.name]; ok && isType(t, n.typ) {
					want = n.name
					break
				}
			}
			if input == "" || want == "" {
				return true
			}
			_, hasSkip := typ["skip"]
			found = true
			c.tables++
			for _, el := range lit.Elts {
				cl, ok := el.(*ast.CompositeLit)
				if !ok {
					c.skipped++
					continue
				}
				vals := map[string]ast.Expr{}
				for i, el := range cl.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok {
							vals[k.Name] = kv.Value
						}
					} else if i < len(names) {
						vals[names[i]] = el // a positional field
					}
				}
				pos, err := expects(sc, typ[want], vals[want])
				if hasSkip && err == nil {
					// A case the test itself skips is not counted on.
					var v any
					if e, ok := vals["skip"]; ok {
						v, err = sc.eval(e)
					}
					if v == true {
						err = errDynamic
					}
				}
				var text any
				if err == nil {
					if e, ok := vals[input]; ok {
						text, err = sc.eval(e)
					} else {
						text = ""
					}
				}
				str, isStr := text.(string)
				if err == nil && !isStr {
					err = errDynamic
				}
				if err != nil {
					c.skipped++
					if verbose {
						fmt.Fprintf(os.Stderr, "skip %s\n", fset.Position(cl.Pos()))
					}
					continue
				}
				out = append(out, sample{detector: detector, input: str, pos: pos})
			}
			return false
		})
		if found {
			continue
		}
		// No table: a test of one case, its input and want in the
		// function's own variables.
		in, ok1 := sc.local["input"]
		want, ok2 := sc.local["want"]
		if !ok2 {
			want, ok2 = sc.local["wantedResult"]
		}
		if ok1 && ok2 {
			pos, err := nonEmpty(sc, want)
			var text any
			if err == nil {
				text, err = sc.eval(in)
			}
			if str, ok := text.(string); err == nil && ok {
				out = append(out, sample{detector: detector, input: str, pos: pos})
				continue
			}
			c.skipped++
		} else {
			c.untabled++
		}
		if verbose {
			fmt.Fprintf(os.Stderr, "no table in %s %s\n", fset.Position(fn.Pos()), fn.Name.Name)
		}
	}
	return out
}

// wantFields are the fields that tell what a case expects, by preference:
// the values the detector should report, a count, or a yes/no.
var wantFields = []struct{ name, typ string }{
	{"want", "[]string"}, {"expected", "[]string"}, {"expectedPairs", "[]string"},
	{"wantTokens", "[]string"}, {"want", "[][]string"}, {"shouldMatch", "bool"},
	{"wantMatched", "bool"}, {"wantCount", "int"},
}

// expects tells whether a case expects the detector to report something.
func expects(sc *scope, typ, e ast.Expr) (bool, error) {
	switch {
	case isType(typ, "bool"), isType(typ, "int"):
		if e == nil {
			return false, nil
		}
		v, err := sc.eval(e)
		if err != nil {
			return false, err
		}
		switch v := v.(type) {
		case bool:
			return v, nil
		case int64:
			return v > 0, nil
		}
		return false, errDynamic
	}
	return nonEmpty(sc, e)
}

// nonEmpty tells whether a want expression lists at least one value: nil, an
// omitted field and []string{} are empty.
func nonEmpty(sc *scope, e ast.Expr) (bool, error) {
	for depth := 0; depth < 8; depth++ {
		switch x := e.(type) {
		case nil:
			return false, nil
		case *ast.Ident:
			if x.Name == "nil" {
				return false, nil
			}
			v, ok := sc.lookup(x.Name)
			if !ok || v == nil {
				return false, errDynamic
			}
			e = v
			continue
		case *ast.CompositeLit:
			return len(x.Elts) > 0, nil
		case *ast.CallExpr:
			if callName(x.Fun) == "append" && len(x.Args) > 0 {
				if len(x.Args) > 1 {
					return true, nil
				}
				e = x.Args[0]
				continue
			}
		}
		return false, errDynamic
	}
	return false, errDynamic
}

func main() {
	verbose := len(os.Args) > 1 && os.Args[1] == "-v"
	args := os.Args[1:]
	if verbose {
		args = args[1:]
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: thsamples [-v] SRC_DIR OUT_DIR (SRC_DIR holds pkg/detectors)")
		os.Exit(2)
	}
	src, out := filepath.Join(args[0], "pkg", "detectors"), args[1]
	// Each directory under pkg/detectors that has a test file is a detector.
	var dirs []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "thsamples:", err)
		os.Exit(1)
	}
	sort.Strings(dirs)
	var c counts
	var all []sample
	for _, dir := range dirs {
		rel, _ := filepath.Rel(src, dir)
		if rel == "." {
			continue
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "thsamples:", err)
			os.Exit(1)
		}
		fset := token.NewFileSet()
		var files, tests []*ast.File
		for _, e := range entries {
			n := e.Name()
			// Integration tests are built apart (a build tag): their
			// names are not the pattern tests'.
			if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_integration_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.SkipObjectResolution)
			if err != nil {
				fmt.Fprintln(os.Stderr, "thsamples:", err)
				continue
			}
			files = append(files, f)
			if strings.HasSuffix(n, "_test.go") {
				tests = append(tests, f)
			}
		}
		if len(tests) == 0 {
			continue
		}
		vals, types := pkgDecls(files)
		detector := strings.ReplaceAll(filepath.ToSlash(rel), "/", ".")
		for _, f := range tests {
			all = append(all, fromFile(f, fset, detector, vals, types, &c, verbose)...)
		}
	}
	for _, k := range []string{"pos", "neg"} {
		if err := os.MkdirAll(filepath.Join(out, k), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "thsamples:", err)
			os.Exit(1)
		}
	}
	tr := []truth{}
	for i, s := range all {
		kind := "neg"
		if s.pos {
			kind = "pos"
		}
		name := fmt.Sprintf("%s_%d.txt", s.detector, i)
		if err := os.WriteFile(filepath.Join(out, kind, name), []byte(s.input+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "thsamples:", err)
			os.Exit(1)
		}
		if s.pos {
			c.pos++
			tr = append(tr, truth{Type: s.detector, File: kind + "/" + name, Lines: [2]int{1, strings.Count(s.input, "\n") + 1}, Neutral: []int{}})
		} else {
			c.neg++
		}
	}
	b, err := json.Marshal(tr)
	if err == nil {
		err = os.WriteFile(filepath.Join(out, "truth.json"), b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "thsamples:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "thsamples: %d positive, %d negative, %d skipped (not static or skipped by the test) cases from %d pattern tables; %d pattern tests without a table or input/want\n",
		c.pos, c.neg, c.skipped, c.tables, c.untabled)
}
