package rules

import (
	"bytes"
	"regexp/syntax"
	"strings"
)

// requiredLiterals returns lower-case ASCII strings one of which every match
// of pattern contains (compared ignoring ASCII case, which only widens the
// condition), or nil when no such set is evident. It is a prefilter: text
// holding none of them cannot match.
func requiredLiterals(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return literalsOf(re.Simplify())
}

func literalsOf(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range re.Rune {
			if r > 0x7f {
				return nil // case folding may match non-ASCII runes
			}
			b.WriteRune(r)
		}
		if b.Len() == 0 {
			return nil
		}
		return []string{strings.ToLower(b.String())}
	case syntax.OpCapture, syntax.OpPlus:
		return literalsOf(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil
		}
		l := literalsOf(re.Sub[0])
		if len(l) == 1 && re.Min > 1 { // x{4,} holds "xxxx"
			l[0] = strings.Repeat(l[0], min(re.Min, 16))
		}
		return l
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := literalsOf(sub)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpConcat:
		// Any part that must match will do; the one whose shortest literal
		// is longest rejects the most text.
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			l := literalsOf(sub)
			if l == nil {
				continue
			}
			short := len(l[0])
			for _, s := range l {
				short = min(short, len(s))
			}
			if short > bestLen {
				best, bestLen = l, short
			}
		}
		return best
	}
	return nil
}

// lowerASCII appends b to dst with ASCII letters in lower case.
func lowerASCII(dst, b []byte) []byte {
	dst = append(dst, b...)
	for i, c := range dst {
		if 'A' <= c && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	return dst
}

// containsAny reports whether lower holds one of lits.
func containsAny(lower []byte, lits []string) bool {
	for _, l := range lits {
		if bytes.Contains(lower, []byte(l)) {
			return true
		}
	}
	return false
}
