package rules

import (
	"bytes"
	"slices"
	"testing"
)

// TestDFAAgreesWithRegexp checks that the shortcuts taken through the DFA
// (rules/internal/dfa) change no answer: for every built-in rule, on its
// own examples, keyword-dense text and the examples with keywords and
// non-ASCII text added, findAll returns what FindAllSubmatchIndex does, the
// context DFA answers as the context regex, and each allowlist's DFA as
// its regexes.
func TestDFAAgreesWithRegexp(t *testing.T) {
	e := builtinEngine(t)
	// Every DFA answers from the first question.
	for _, r := range e.rules {
		r.dfa.asks.Store(hotAsks)
		if r.ctxDFA != nil {
			r.ctxDFA.asks.Store(hotAsks)
		}
	}
	global, err := e.global.get()
	if err != nil {
		t.Fatal(err)
	}
	dense := bytes.Split(keywordDense(1<<10), newline)
	// textsOf is r's examples, the same with keywords and with non-ASCII
	// text added, and lines of keyword-dense text.
	textsOf := func(r *compiledRule) [][]byte {
		var texts [][]byte
		for i, ex := range r.TP {
			texts = append(texts, exampleTarget(t, r.ID, "tp", i, ex).Content)
		}
		for i, ex := range r.FP {
			texts = append(texts, exampleTarget(t, r.ID, "fp", i, ex).Content)
		}
		for _, tx := range texts {
			texts = append(texts, append(slices.Clip(tx), " token api_key=secret password"...), append([]byte("é "), tx...))
		}
		return append(texts, dense...)
	}
	var all [][]byte
	for _, r := range e.rules {
		texts := textsOf(r)
		all = append(all, texts[:len(texts)-len(dense)]...)
		for _, tx := range texts {
			got := r.findAll(tx)
			if want := r.re.FindAllSubmatchIndex(tx, -1); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("rule %s on %q: findAll %v, FindAllSubmatchIndex %v", r.ID, tx, got, want)
			}
			if r.ctxDFA != nil {
				if m, ok := r.ctxDFA.matcher().Match(tx, 0); ok && m != r.context.Match(tx) {
					t.Fatalf("rule %s: context DFA says %v on %q", r.ID, m, tx)
				}
			}
		}
	}
	// Allowlists see secrets, matches and lines: the fields of every fifth
	// text, and every twentieth text whole.
	var targets [][]byte
	for i, tx := range append(all, dense...) {
		if i%20 == 0 {
			targets = append(targets, tx)
		}
		if i%5 != 0 {
			continue
		}
		for _, f := range bytes.Fields(tx) {
			targets = append(targets, bytes.Trim(f, `"',;`))
		}
	}
	var lists []*compiledAllowlist
	for _, r := range e.rules {
		lists = append(lists, r.allows...)
	}
	lists = append(lists, global...)
	for _, a := range lists {
		for _, tg := range targets {
			any := false
			for _, re := range a.regexes {
				any = any || re.Match(tg)
			}
			if a.dfa != nil {
				if m, ok := a.dfa.matcher().Match(tg, 0); ok && m != any {
					t.Fatalf("allowlist %q: its DFA says %v on %q", a.regexes, m, tg)
				}
			}
		}
	}
}
