package rules

import (
	"regexp"
	"testing"
)

func TestShapeOf(t *testing.T) {
	for _, c := range []struct {
		re  string
		min int // 0: no shape
		fit string
	}{
		{`key\s*=\s*([0-9a-f]{32})\b`, 32, "key = 0123456789abcdef0123456789abcdef"},
		{`(?i)token[^\n]{0,40}?([a-z0-9]{20,40})`, 20, "TOKEN: ABCDEFGHIJ0123456789"},
		{`(([0-9a-f]{16})-x)`, 16, "0123456789abcdef-x"},   // group 1 starts with group 2
		{`(?:x|([0-9a-f]{32}))`, 0, ""},                    // group 1 is optional: no necessary condition
		{`x([0-9a-f]{32})?`, 0, ""},                        // likewise
		{`x([0-9a-f]{4})`, 0, ""},                          // too short to be worth it
		{`(sk_live_[0-9a-zA-Z]{24})`, 0, ""},               // starts with a literal, not a class
		{`(?i)s([a-z]{16})`, 16, "s" + "ſſſſſſſſſſſſſſſſ"}, // case folding: ſ matches [a-z] under (?i)
	} {
		s := shapeOf(c.re)
		if c.min == 0 {
			if s != nil {
				t.Errorf("%s: shape min %d, want none", c.re, s.min)
			}
			continue
		}
		if s == nil || s.min != c.min {
			t.Errorf("%s: shape %v, want min %d", c.re, s, c.min)
			continue
		}
		if !regexp.MustCompile(c.re).MatchString(c.fit) || !s.fits([]byte(c.fit)) {
			t.Errorf("%s: %q matches but does not fit the shape", c.re, c.fit)
		}
		if s.fits([]byte("short 0123 words only")) {
			t.Errorf("%s: a text without a long run fits", c.re)
		}
	}
}

// TestShapeAdmitsEveryTruePositive is the safety property on the real rule
// set: wherever a rule's regex matches one of its examples, the example
// fits the rule's shape, so the prefilter never hides a finding.
func TestShapeAdmitsEveryTruePositive(t *testing.T) {
	rs, _, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	shaped := 0
	for _, r := range rs {
		s := shapeOf(r.Regex)
		re, err := regexp.Compile(r.Regex)
		if s == nil || err != nil {
			continue // an invalid regex fails TestRuleExamples
		}
		shaped++
		for i, ex := range r.TP {
			tg := exampleTarget(t, r.ID, "tp", i, ex)
			for _, m := range re.FindAllSubmatchIndex(tg.Content, -1) {
				if !s.fits(tg.Content[m[2]:m[3]]) {
					t.Errorf("rule %s tp[%d]: secret does not fit the shape (class run of %d)", r.ID, i, s.min)
				}
			}
		}
	}
	if shaped < 50 {
		t.Errorf("only %d rules have a shape; the prefilter would rarely help", shaped)
	}
	t.Logf("%d of %d rules have a shape", shaped, len(rs))
}
