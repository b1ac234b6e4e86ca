package rules

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestNearLitsDirectAgrees checks that searching the lines around a window
// alone for a rule's context literals (nearLits' direct search, while a
// rule's windows are few) finds what finding them in the whole content
// finds: the same findings, with the rules that need context brought near
// and far from their context by filler lines, few to a file and many.
func TestNearLitsDirectAgrees(t *testing.T) {
	e := builtinEngine(t)
	var pieces []string
	for _, r := range e.rules {
		if len(r.ctxLits) == 0 {
			continue
		}
		for i, ex := range append(append([]string{}, r.TP...), r.FP...) {
			text, err := Expand(ex, fmt.Sprintf("%s/%d", r.ID, i))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, "@") {
				pieces = append(pieces, text)
			}
		}
	}
	if len(pieces) < 50 {
		t.Fatalf("only %d examples of rules with context literals", len(pieces))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	filler := "\tx := compute(value, other) // nothing to see here\n"
	scan := func(content string, share int) []string {
		t.Helper()
		old := directShare
		directShare = share
		defer func() { directShare = old }()
		fs, err := e.Scan(&Target{Path: "mixed.txt", Content: []byte(content)})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s:%d:%d", f.RuleID, f.Line, f.Column))
		}
		return out
	}
	found, direct := 0, 0
	for trial := 0; trial < 60; trial++ {
		var b strings.Builder
		n := 1 + rng.IntN(4) // few windows: searched directly
		if trial%3 == 0 {
			n = 40 + rng.IntN(80) // many: the whole content's occurrences take over
		}
		for range n {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			b.WriteString("\n")
			b.WriteString(strings.Repeat(filler, rng.IntN(14)))
		}
		content := b.String()
		got, want := scan(content, 2), scan(content, 1<<30)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("trial %d: searching the lines alone found %v, the whole content's occurrences %v:\n%s", trial, got, want, content)
		}
		found += len(want)
		if n < 5 {
			direct++
		}
	}
	if found == 0 || direct == 0 {
		t.Fatalf("nothing exercised: %d findings, %d trials with few windows", found, direct)
	}
}

// TestScratchReuseIsClean scans the rules' own examples one after another
// with one engine, whose scratch carries from target to target, and each
// alone with an engine of its own: a rule's state left from the target
// before (its last window, whether its path applies, its context searches)
// must not change what the next finds.
func TestScratchReuseIsClean(t *testing.T) {
	shared := builtinEngine(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var texts []string
	for _, r := range shared.rules {
		for i, ex := range r.TP {
			text, err := Expand(ex, fmt.Sprintf("%s/reuse/%d", r.ID, i))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, "@") {
				texts = append(texts, text)
			}
		}
	}
	ids := func(fs []Finding) string {
		var b strings.Builder
		for _, f := range fs {
			fmt.Fprintf(&b, "%s:%d:%d ", f.RuleID, f.Line, f.Column)
		}
		return b.String()
	}
	for trial := 0; trial < 300; trial++ {
		// A long target, then a short one: a window left from the long one
		// would be merged into, or a path answer reused.
		long := strings.Repeat(texts[rng.IntN(len(texts))]+"\n", 1+rng.IntN(30))
		short := texts[rng.IntN(len(texts))]
		for _, text := range []string{long, short} {
			tg := &Target{Path: "a.env", Content: []byte(text)}
			got, err := shared.Scan(tg)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := NewEngine(tableRules, tableAllowlists)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fresh.Scan(&Target{Path: "a.env", Content: []byte(text)})
			if err != nil {
				t.Fatal(err)
			}
			if ids(got) != ids(want) {
				t.Fatalf("trial %d: after other targets %s, alone %s:\n%s", trial, ids(got), ids(want), text)
			}
		}
	}
}
