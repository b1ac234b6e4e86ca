package rules

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestRequiredLiterals(t *testing.T) {
	for _, c := range []struct {
		re   string
		want []string
	}{
		{`(?i)twilio`, []string{"twilio"}},
		{`(?i)smtp|\bmail(?:er)?\b|email|mail\.|mail_`, nil}, // checked below: any complete set
		{`akab-|(?i)akamai`, []string{"akab-", "akamai"}},
		{`\bGOOG1[A-Z0-9]{56}\b`, []string{"goog1"}},
		{`[a-z]+`, nil},
		{`(?i)foo|[0-9]+`, nil},
		{`(?:abc)?x`, []string{"x"}},
	} {
		got := requiredLiterals(c.re)
		if c.want != nil && !slices.Equal(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.re, got, c.want)
		}
		if c.want == nil && strings.Contains(c.re, "[") && got != nil {
			t.Errorf("%s: got %q, want none", c.re, got)
		}
	}
}

// Every built-in rule's context prefilter is sound: whatever text its regex
// matches holds one of the literals. Checked on the rules' own examples and
// on each literal's matches in mixed case.
func TestContextLiteralsSound(t *testing.T) {
	e := builtinEngine(t)
	n := 0
	for _, r := range e.rules {
		if r.context == nil || r.ctxLits == nil {
			continue
		}
		n++
		for _, ex := range append(append([]string{}, r.TP...), r.FP...) {
			text, err := Expand(ex, "literals")
			if err != nil {
				t.Fatal(err)
			}
			m := r.context.FindString(text)
			if m == "" {
				continue
			}
			if lits := requiredLiterals(r.Context); !holdsAny(m, lits) {
				t.Errorf("%s: context %q matched %q, which holds none of %q", r.ID, r.Context, m, lits)
			}
		}
	}
	if n == 0 {
		t.Fatal("no built-in context regex has a literal prefilter")
	}
	re := regexp.MustCompile(`(?i)smtp|\bmail(?:er)?\b|email|mail\.|mail_`)
	lits := requiredLiterals(re.String())
	for _, s := range []string{"SMTP_HOST", "Mailer", "x.mail.y", "EMAIL", "mail_from"} {
		if re.MatchString(s) && !holdsAny(s, lits) {
			t.Errorf("%q matches but holds none of %q", s, lits)
		}
	}
}

func holdsAny(s string, lits []string) bool {
	s = strings.ToLower(s)
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

func TestLowerASCII(t *testing.T) {
	var all []byte
	for c := 0; c < 256; c++ {
		all = append(all, byte(c))
	}
	for _, prefix := range []string{"", "AbC", "already lower"} {
		for off := 0; off < 9; off++ {
			got := lowerASCII([]byte(prefix), all[off:])
			want := []byte(prefix)
			for _, c := range all[off:] {
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				want = append(want, c)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("lowerASCII(%q, all[%d:]) = %q, want %q", prefix, off, got, want)
			}
		}
	}
}

func TestShortestLiterals(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{nil, nil},
		{[]string{"smtp", "nodemailer", "phpmailer", "mailer", "mail"}, []string{"smtp", "mail"}},
		{[]string{"testpypi", "pypi", "pypi", "repository"}, []string{"pypi", "repository"}},
		{[]string{"ab", "ba"}, []string{"ab", "ba"}},
	} {
		if got := shortestLiterals(c.in); !slices.Equal(got, c.want) {
			t.Errorf("shortestLiterals(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
