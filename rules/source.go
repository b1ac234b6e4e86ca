package rules

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp/syntax"
	"strings"
)

// Bounds on what a configuration may ask of leakhook. A repository's
// .leakhook.toml is written by whoever commits to it, so loading it must
// stay cheap whatever it says: a symlink to /dev/zero, tables nested
// thousands deep, a million rules or one regex with a 20,000-way
// alternation each once took minutes or all memory.
const (
	MaxConfigBytes  = 1 << 20 // a configuration file larger than this is refused
	maxConfigDepth  = 32      // nesting of arrays and inline tables
	MaxConfigRules  = 5000    // [[rules]] across a configuration's files
	maxAllowlists   = 2000    // allowlists across a configuration's files
	maxRegexBytes   = 16 << 10
	maxRegexInsts   = 10000 // compiled size of a rule's regex (built-ins: at most ~2,200)
	maxAllowPatInst = 10000 // ... of an allowlist's, path or context regex
	// A rule without keywords runs on every byte of every file, where Go's
	// regexp costs time in proportion to the compiled size: 889
	// instructions (a 100-way alternation) scanned 12 KB in 0.16 s, 178k
	// (20,000-way) in 164 s. Such rules are held to a small size, alone
	// and together.
	maxAlwaysInsts      = 1000
	maxAlwaysInstsTotal = 4000
)

// readConfig reads a configuration file: a regular file (after symlinks)
// of at most MaxConfigBytes. When within is not empty the file, with its
// symlinks resolved, must lie inside that directory: a repository's own
// configuration reads nothing outside the repository. No error quotes the
// file's bytes.
func readConfig(p, within string) ([]byte, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", p, errors.Unwrap(err))
	}
	if within != "" {
		if !inside(real, within) {
			return nil, fmt.Errorf("%s: is outside the repository (a repository's configuration may read only files inside it; pass --config or use your own ~/.config/leakhook/config.toml for files elsewhere)", p)
		}
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", p, errors.Unwrap(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (a configuration must be one)", p)
	}
	if fi.Size() > MaxConfigBytes {
		return nil, fmt.Errorf("%s: %d bytes; a configuration may have at most %d", p, fi.Size(), MaxConfigBytes)
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", p, errors.Unwrap(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (a configuration must be one)", p)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %v", p, err)
	}
	if len(data) > MaxConfigBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes; a configuration may have at most that", p, MaxConfigBytes)
	}
	return data, nil
}

// inside reports whether the resolved path p lies in directory dir (also
// resolved).
func inside(p, dir string) bool {
	d, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	d, _ = filepath.Abs(d)
	p, _ = filepath.Abs(p)
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// checkDepth refuses TOML whose arrays and inline tables nest deeper than
// maxConfigDepth, before the decoder (which recurses) sees it. It skips
// strings and comments.
func checkDepth(name string, data []byte) error {
	depth, line := 0, 1
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
		case '"', '\'':
			q := string([]byte{c, c, c})
			if strings.HasPrefix(string(data[i:min(len(data), i+3)]), q) {
				end := strings.Index(string(data[i+3:]), q)
				if end < 0 {
					return nil // unterminated: the decoder names it
				}
				line += strings.Count(string(data[i:i+3+end]), "\n")
				i += 3 + end + 2
				continue
			}
			for i++; i < len(data) && data[i] != c && data[i] != '\n'; i++ {
				if c == '"' && data[i] == '\\' {
					i++
				}
			}
			if i < len(data) && data[i] == '\n' {
				line++
			}
		case '[', '{':
			if depth++; depth > maxConfigDepth {
				return fmt.Errorf("%s:%d: arrays and tables nested more than %d deep", name, line, maxConfigDepth)
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// checkPattern bounds a regex's size, so that no configuration can make a
// scan slow: its source length and its compiled program. The error masks
// the pattern.
func checkPattern(expr string, insts int) error {
	_, err := patternSize(expr, insts)
	return err
}

// patternSize is checkPattern that also returns the compiled size.
func patternSize(expr string, insts int) (int, error) {
	if len(expr) > maxRegexBytes {
		return 0, fmt.Errorf("regex of %d bytes; at most %d", len(expr), maxRegexBytes)
	}
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return 0, regexError(err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return 0, regexError(err)
	}
	if n := len(prog.Inst); n > insts {
		if insts == maxAlwaysInsts {
			return n, fmt.Errorf("regex too complex for a rule without keywords, which runs on every byte (%d instructions compiled; at most %d): give the rule keywords", n, insts)
		}
		return n, fmt.Errorf("regex too complex (%d instructions compiled; at most %d); split it into several rules", n, insts)
	}
	return len(prog.Inst), nil
}

// regexError words a regex compile error without quoting the pattern: Go's
// message ends with the offending part of the expression, which may be
// the very value a configuration was written to allow.
func regexError(err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Errorf("invalid regex: %s (at %s)", se.Code, quoteMasked(se.Expr))
	}
	return fmt.Errorf("invalid regex")
}

// quoteMasked quotes a value from a configuration for a message: masked
// (at most its first four characters) unless it is plainly a word.
func quoteMasked(s string) string {
	if looksSecret(s) {
		s = Mask(s)
	}
	return `"` + s + `"`
}

// looksSecret reports whether s could be a secret rather than a word or
// an identifier: it has a run of 8 or more letters and digits that mixes
// both, or it is long.
func looksSecret(s string) bool {
	if len(s) > 64 {
		return true
	}
	run, letters, digits := 0, false, false
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			run++
			letters = true
		case '0' <= c && c <= '9':
			run++
			digits = true
		case c >= 0x80 || c == '+' || c == '/' || c == '=':
			run++ // base64 and non-ASCII keep a run going
			letters = true
		default:
			if run >= 8 && letters && digits || run >= 24 {
				return true
			}
			run, letters, digits = 0, false, false
		}
	}
	return false
}

// SanitizeMessage masks what a configuration message quotes ("…", '…' or
// `…`) when it could be a secret. Every configuration error and warning
// passes through it: the values in a configuration are often the very
// strings it was written to allow.
func SanitizeMessage(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c != '"' && c != '\'' && c != '`' || i > 0 && !strings.ContainsRune(" \t\n([{=:,", rune(msg[i-1])) {
			b.WriteByte(c) // not a quote, or an apostrophe inside a word
			continue
		}
		end := closingQuote(msg[i+1:], c)
		if end < 0 {
			b.WriteByte(c)
			continue
		}
		inner := msg[i+1 : i+1+end]
		b.WriteByte(c)
		if looksSecret(inner) {
			b.WriteString(Mask(inner))
		} else {
			b.WriteString(inner)
		}
		b.WriteByte(c)
		i += end + 1
	}
	return maskBare(b.String())
}

// closingQuote finds the quote that ends a quoted part: one followed by
// the end of the message, a space or punctuation.
func closingQuote(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && q == '"' {
			i++
			continue
		}
		if s[i] == q && (i+1 == len(s) || strings.ContainsRune(" \t\n)]},.:;", rune(s[i+1]))) {
			return i
		}
	}
	return -1
}

// maskBare masks unquoted words of a message that look like secrets.
func maskBare(s string) string {
	f := strings.Fields(s)
	for _, w := range f {
		if looksSecret(strings.Trim(w, ".,:;()[]{}")) && !strings.ContainsAny(w, "*/\\") {
			t := strings.Trim(w, ".,:;()[]{}")
			s = strings.ReplaceAll(s, t, Mask(t))
		}
	}
	return s
}

// keyLocator finds where a key is set in a TOML file, for messages that
// name file, line, column and key. It understands what configurations
// use: [table] and [[array]] headers, dotted and quoted keys, multi-line
// strings and arrays. Keys are named like "rules[3].allowlists[1].regexes"
// (1-based), or "extend.path".
type keyLocator struct {
	pos map[string][2]int // key -> line, column
}

func locate(data []byte) *keyLocator {
	l := &keyLocator{pos: map[string][2]int{}}
	counts := map[string]int{} // array-table path -> elements so far
	prefix := ""
	lines := strings.Split(string(data), "\n")
	depth := 0    // open brackets of a multi-line value
	inMulti := "" // the delimiter of an open multi-line string
	for n, raw := range lines {
		s := raw
		if inMulti != "" {
			i := strings.Index(s, inMulti)
			if i < 0 {
				continue
			}
			s, inMulti = s[i+3:], ""
			depth += bracketDelta(s, &inMulti)
			continue
		}
		if depth > 0 {
			depth += bracketDelta(s, &inMulti)
			continue
		}
		t := strings.TrimLeft(s, " \t")
		col := len(s) - len(t) + 1
		switch {
		case t == "" || t[0] == '#':
			continue
		case strings.HasPrefix(t, "[["):
			name := keyPath(strings.TrimSpace(strings.SplitN(t[2:], "]]", 2)[0]))
			full := indexedPath(name, counts, false)
			counts[full]++ // children are counted under this element's own path
			prefix = fmt.Sprintf("%s[%d]", full, counts[full])
			l.set(prefix, n+1, col)
		case strings.HasPrefix(t, "["):
			name := keyPath(strings.TrimSpace(strings.SplitN(t[1:], "]", 2)[0]))
			prefix = indexedPath(name, counts, true)
			l.set(prefix, n+1, col)
		default:
			eq := assignEnd(t)
			if eq < 0 {
				continue
			}
			k := keyPath(strings.TrimSpace(t[:eq]))
			if prefix != "" {
				k = prefix + "." + k
			}
			l.set(k, n+1, col)
			depth += bracketDelta(t[eq+1:], &inMulti)
		}
	}
	return l
}

func (l *keyLocator) set(k string, line, col int) {
	if _, ok := l.pos[k]; !ok {
		l.pos[k] = [2]int{line, col}
	}
}

// at returns "name:line:col: key" for a key, or as close as it gets: the
// nearest enclosing table that was found, else the file alone.
func (l *keyLocator) at(name, key string) string {
	if l != nil {
		for k := key; k != ""; {
			if p, ok := l.pos[k]; ok {
				return fmt.Sprintf("%s:%d:%d: %s", name, p[0], p[1], key)
			}
			i := strings.LastIndexAny(k, ".[")
			if i < 0 {
				break
			}
			k = k[:i]
		}
	}
	return fmt.Sprintf("%s: %s", name, key)
}

// indexedPath turns a header's dotted name into the indexed path of the
// element it belongs to: "rules.allowlists" inside the third [[rules]] is
// "rules[3].allowlists".
func indexedPath(name string, counts map[string]int, table bool) string {
	parts := strings.Split(name, ".")
	out := ""
	for i, p := range parts {
		if out != "" {
			out += "."
		}
		out += p
		if i < len(parts)-1 || table {
			if n := counts[out]; n > 0 {
				out = fmt.Sprintf("%s[%d]", out, n)
			}
		}
	}
	return out
}

// keyPath normalises a TOML key (dotted, maybe quoted parts) to a.b.c.
func keyPath(k string) string {
	var parts []string
	for _, p := range strings.Split(k, ".") {
		parts = append(parts, strings.Trim(strings.TrimSpace(p), `"'`))
	}
	return strings.Join(parts, ".")
}

// assignEnd returns the index of the '=' that ends a key, outside quotes, or -1.
func assignEnd(t string) int {
	var q byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '=':
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// bracketDelta counts the arrays and inline tables a value line opens
// minus those it closes, skipping strings and comments, and notes a
// multi-line string left open.
func bracketDelta(s string, inMulti *string) int {
	d := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '#':
			return d
		case '"', '\'':
			q := strings.Repeat(string(c), 3)
			if strings.HasPrefix(s[i:], q) {
				end := strings.Index(s[i+3:], q)
				if end < 0 {
					*inMulti = q
					return d
				}
				i += 3 + end + 2
				continue
			}
			for i++; i < len(s) && s[i] != c; i++ {
				if c == '"' && s[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			d++
		case ']', '}':
			d--
		}
	}
	return d
}

// atKey places a key as the decoder names it (no array indexes): "file:
// line:col" of the first place it is set (or the file alone), and the key
// spelled with any part that could be a secret masked.
func (l *keyLocator) atKey(name string, key []string) (where, spelled string) {
	masked := make([]string, len(key))
	for i, p := range key {
		if looksSecret(p) {
			p = Mask(p)
		}
		masked[i] = p
	}
	spelled = strings.Join(masked, ".")
	want := strings.Join(key, ".")
	best, bestPos := "", [2]int{}
	for k, p := range l.pos {
		if unindexed(k) == want && (best == "" || p[0] < bestPos[0]) {
			best, bestPos = k, p
		}
	}
	if best == "" {
		return name, spelled
	}
	return fmt.Sprintf("%s:%d:%d", name, bestPos[0], bestPos[1]), spelled
}

// unindexed drops the [n] of an indexed key path.
func unindexed(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		if k[i] == '[' {
			for i < len(k) && k[i] != ']' {
				i++
			}
			continue
		}
		b.WriteByte(k[i])
	}
	return b.String()
}
