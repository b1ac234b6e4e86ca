package remedy

import "strings"

// Rewrite returns line with every occurrence of secret replaced by a read of
// environment variable env in language l: the whole string literal when the
// literal is exactly the secret, otherwise the literal is split and the read
// concatenated (or interpolated, where the language does that inside the
// literal: shell double quotes, JavaScript template literals, Terraform,
// YAML and properties). It returns ok=false when the line cannot be
// rewritten with confidence; callers then give generic advice and change
// nothing.
func Rewrite(l Lang, line, secret, env string) (string, bool) {
	if secret == "" || env == "" || !strings.Contains(line, secret) {
		return line, false
	}
	for i := 0; strings.Contains(line, secret); i++ {
		if i == 8 {
			return line, false
		}
		pos := strings.Index(line, secret)
		var ok bool
		line, ok = rewriteAt(l, line, pos, len(secret), env)
		if !ok {
			return line, false
		}
	}
	return line, true
}

// syntax is what rewriteAt needs to know about a language's string literals.
type syntax struct {
	quotes  string // characters that open a literal
	escapes bool   // backslash escapes inside (except in ' for shell)
	concat  string // string concatenation operator; "" if none usable
}

var syntaxes = map[Lang]syntax{
	Python:     {`"'`, true, " + "},
	JavaScript: {"\"'`", true, " + "},
	TypeScript: {"\"'`", true, " + "},
	Go:         {"\"`", true, " + "},
	Java:       {`"`, true, " + "},
	Kotlin:     {`"`, true, " + "},
	Ruby:       {`"'`, true, " + "},
	PHP:        {`"'`, true, " . "},
	CSharp:     {`"`, true, " + "},
	Rust:       {`"`, true, ""},
	Terraform:  {`"`, true, ""},
	Shell:      {`"'`, true, ""},
	YAML:       {`"'`, false, ""},
	Properties: {"", false, ""},
}

func rewriteAt(l Lang, line string, pos, n int, env string) (string, bool) {
	syn, ok := syntaxes[l]
	read := EnvRead(l, env)
	if !ok || read == "" {
		return line, false
	}
	lit, inside := findLiteral(line, pos, n, syn, l)
	switch l {
	case YAML, Properties:
		// The loader interpolates ${NAME} inside values, quoted or not.
		return line[:pos] + "${" + env + "}" + line[pos+n:], true
	case Terraform:
		if !inside {
			return line, false
		}
		if lit.content(line) == line[pos:pos+n] {
			return line[:lit.start] + read + line[lit.end:], true
		}
		return line[:pos] + "${" + read + "}" + line[pos+n:], true
	case Shell:
		switch {
		case !inside:
			return line[:pos] + read + line[pos+n:], true
		case lit.quote == '"':
			return line[:pos] + "${" + env + "}" + line[pos+n:], true
		}
		// Single quotes: close, splice the double-quoted read, reopen.
		pre, post := line[lit.start+1:pos], line[pos+n:lit.end-1]
		out := line[:lit.start]
		if pre != "" {
			out += "'" + pre + "'"
		}
		out += read
		if post != "" {
			out += "'" + post + "'"
		}
		return out + line[lit.end:], true
	}
	if !inside || lit.tripled(line) {
		return line, false
	}
	start := lit.start
	prefix := literalPrefix(l, line, start)
	if strings.ContainsAny(prefix, "bB") {
		return line, false // a byte string: the env read would change its type
	}
	if lit.content(line) == line[pos:pos+n] {
		return line[:start-len(prefix)] + read + line[lit.end:], true
	}
	if lit.quote == '`' && (l == JavaScript || l == TypeScript) {
		return line[:pos] + "${" + read + "}" + line[pos+n:], true
	}
	if prefix != "" || syn.concat == "" || lit.quote == '`' {
		return line, false
	}
	q := string(lit.quote)
	out := line[:start]
	if pre := line[start+1 : pos]; pre != "" {
		out += q + pre + q + syn.concat
	}
	out += read
	if post := line[pos+n : lit.end-1]; post != "" {
		out += syn.concat + q + post + q
	}
	return out + line[lit.end:], true
}

// literal is a string literal's span in a line, quotes included.
type literal struct {
	start, end int
	quote      byte
}

func (l literal) content(line string) string { return line[l.start+1 : l.end-1] }

// tripled reports a literal that is part of a triple-quoted string, which
// the single-quote scanner cannot split correctly.
func (l literal) tripled(line string) bool {
	return (l.start > 0 && line[l.start-1] == l.quote) || (l.end < len(line) && line[l.end] == l.quote)
}

// findLiteral finds the string literal that wholly contains line[pos:pos+n].
func findLiteral(line string, pos, n int, syn syntax, l Lang) (literal, bool) {
	open := -1
	var q byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		if open < 0 {
			if i >= pos {
				return literal{}, false // the secret starts outside any literal
			}
			if strings.IndexByte(syn.quotes, c) >= 0 {
				open, q = i, c
			}
			continue
		}
		// No escapes in shell single quotes or Go raw strings.
		raw := (l == Shell && q == '\'') || (l == Go && q == '`')
		if c == '\\' && syn.escapes && !raw {
			i++
			continue
		}
		if c == q {
			if open < pos && pos+n <= i {
				return literal{start: open, end: i + 1, quote: q}, true
			}
			if i >= pos {
				return literal{}, false // the secret straddles a quote
			}
			open = -1
		}
	}
	return literal{}, false
}

// literalPrefix returns string-prefix letters just before a literal: Python's
// r, b, u, f and C#'s @ and $. Such literals are only replaced whole.
func literalPrefix(l Lang, line string, start int) string {
	allowed := ""
	switch l {
	case Python:
		allowed = "rRbBuUfF"
	case CSharp:
		allowed = "@$"
	case Rust:
		allowed = "rb#"
	}
	i := start
	for i > 0 && strings.IndexByte(allowed, line[i-1]) >= 0 {
		i--
	}
	if i > 0 && isIdent(line[i-1]) {
		return "" // part of an identifier, e.g. foo"...", not a prefix
	}
	return line[i:start]
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
