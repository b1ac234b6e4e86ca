package rules

import (
	"regexp/syntax"
)

// shape is a necessary condition for a rule's regex to match: its secret
// (capture group 1) starts with at least min consecutive bytes from class.
// A window without such a run cannot match, so the regex need not run: a
// byte loop over the window costs a few ns per byte, while Go's backtracking
// regexp costs ~100 on the keyword-rich windows of ordinary code (where
// words like "key", "api" or "uses" open a window on most lines).
type shape struct {
	class [256]bool
	min   int
}

// minShapeRun is the shortest run worth a prefilter; shorter runs are common
// in any text and would rarely skip a window.
const minShapeRun = 12

// shapeOf derives the shape of pattern, or nil when the secret does not
// start with a bounded repetition of one ASCII character class (then every
// window runs the regex, as before).
func shapeOf(pattern string) *shape {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	g := findCapture(re, 1)
	if g == nil {
		return nil
	}
	n := g.Sub[0]
	for n.Op == syntax.OpConcat && len(n.Sub) > 0 {
		n = n.Sub[0]
	}
	for n.Op == syntax.OpCapture {
		n = n.Sub[0]
	}
	if n.Op != syntax.OpRepeat || n.Min < minShapeRun || n.Sub[0].Op != syntax.OpCharClass {
		return nil
	}
	s := &shape{min: n.Min}
	rs := n.Sub[0].Rune
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i+1] > 0x7f {
			// Non-ASCII runes (case folding adds K and ſ to [a-z]) are
			// UTF-8 sequences of bytes >= 0x80: accept every such byte, so
			// a run of n runes is still at least n bytes in the class.
			for c := 0x80; c <= 0xff; c++ {
				s.class[c] = true
			}
		}
		for c := rs[i]; c <= rs[i+1] && c <= 0x7f; c++ {
			s.class[c] = true
		}
	}
	return s
}

// findCapture finds capture group cap where every match must pass through
// it: under concatenations, captures and repetitions of at least one only
// (not inside an alternation or an optional part).
func findCapture(re *syntax.Regexp, cap int) *syntax.Regexp {
	if re.Op == syntax.OpCapture && re.Cap == cap {
		return re
	}
	switch re.Op {
	case syntax.OpConcat, syntax.OpCapture, syntax.OpPlus:
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil
		}
	default:
		return nil
	}
	for _, sub := range re.Sub {
		if g := findCapture(sub, cap); g != nil {
			return g
		}
	}
	return nil
}

// fits reports whether b holds a run of at least s.min bytes of s.class.
func (s *shape) fits(b []byte) bool {
	run := 0
	for _, c := range b {
		if s.class[c] {
			if run++; run >= s.min {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
