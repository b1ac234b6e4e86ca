package rules

import (
	"bytes"
	"encoding/binary"
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

// shortestLiterals drops from lits each literal that holds another (and
// repeats): text holds one of lits exactly where it holds one of those
// left, each found with one search less ("mailer" for "nodemailer" and
// "phpmailer", "pypi" for "testpypi").
func shortestLiterals(lits []string) []string {
	var out []string
	for i, l := range lits {
		held := false
		for j, o := range lits {
			if j != i && strings.Contains(l, o) && (len(o) < len(l) || j < i) {
				held = true // o is shorter, or the same and kept first
				break
			}
		}
		if !held {
			out = append(out, l)
		}
	}
	return out
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

// lowerASCII appends b to dst with ASCII letters in lower case, eight bytes
// at a time: a scan lowers whole files with it (nearby.go).
func lowerASCII(dst, b []byte) []byte {
	n := len(dst)
	dst = append(dst, b...)
	d := dst[n:]
	i := 0
	for ; i+8 <= len(d); i += 8 {
		x := binary.LittleEndian.Uint64(d[i:])
		// The high bit of each byte of upper is set where that byte of x
		// is in 'A'..'Z': h+0x3f carries into it from 'A' up, h+0x25 from
		// 'Z'+1 up, and bytes of 0x80 and above are left alone.
		const ones, highs = 0x0101010101010101, 0x8080808080808080
		h := x &^ highs
		upper := ((h + ones*(0x80-'A')) ^ (h + ones*(0x80-'Z'-1))) &^ x & highs
		binary.LittleEndian.PutUint64(d[i:], x|upper>>2)
	}
	for ; i < len(d); i++ {
		if c := d[i]; 'A' <= c && c <= 'Z' {
			d[i] = c + 'a' - 'A'
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
