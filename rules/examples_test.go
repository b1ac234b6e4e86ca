package rules

import (
	"fmt"
	"strings"
	"testing"
)

// exampleTarget expands an example template. An example may start with
// "@path\n" to say which file it stands for (rules with a path filter need it).
func exampleTarget(t *testing.T, rule string, kind string, i int, tmpl string) *Target {
	t.Helper()
	path := "example.txt"
	if strings.HasPrefix(tmpl, "@") {
		nl := strings.IndexByte(tmpl, '\n')
		if nl < 0 {
			t.Fatalf("rule %s %s[%d]: @path line without content", rule, kind, i)
		}
		path, tmpl = tmpl[1:nl], tmpl[nl+1:]
	}
	text, err := Expand(tmpl, fmt.Sprintf("%s/%s/%d", rule, kind, i))
	if err != nil {
		t.Fatalf("rule %s %s[%d]: %v", rule, kind, i, err)
	}
	return &Target{Path: path, Content: []byte(text)}
}

func builtinEngine(t testing.TB) *Engine {
	t.Helper()
	rs, allows, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(rs, allows)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.CompileAll(); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestRuleExamples checks every built-in rule's own examples: each true
// positive yields a finding of that rule (or, for a generic rule, of a
// specific rule it gives way to, while it finds the example on its own),
// each false positive does not.
func TestRuleExamples(t *testing.T) {
	e := builtinEngine(t)
	for _, r := range e.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if len(r.TP) < 2 && !strings.HasPrefix(r.ID, "pgp-") && !strings.HasPrefix(r.ID, "putty-") && r.ID != "slack-webhook-url" {
				t.Errorf("rule %s: want at least 2 true-positive examples, have %d", r.ID, len(r.TP))
			}
			if len(r.FP) < 2 {
				t.Errorf("rule %s: want at least 2 false-positive examples, have %d", r.ID, len(r.FP))
			}
			for i, ex := range r.TP {
				tg := exampleTarget(t, r.ID, "tp", i, ex)
				fs, err := e.Scan(tg)
				if err != nil {
					t.Fatal(err)
				}
				if !hasRule(fs, r.ID) && !(r.Generic && takenOver(t, e, r, fs, tg)) {
					t.Errorf("tp[%d] not found by %s (found %v):\n%s", i, r.ID, ruleIDs(fs), tg.Content)
				}
			}
			for i, ex := range r.FP {
				tg := exampleTarget(t, r.ID, "fp", i, ex)
				fs, err := e.Scan(tg)
				if err != nil {
					t.Fatal(err)
				}
				// A made-up value (it counts 1234567) may be reported,
				// but must not block.
				if blocks(fs, r.ID) {
					t.Errorf("fp[%d] wrongly found by %s:\n%s", i, r.ID, tg.Content)
				}
			}
		})
	}
}

// takenOver reports whether a generic rule's true positive is reported by a
// specific (non-generic) rule instead, as generic rules give way (dedupe):
// the generic rule alone must still find it, so the example still tests it.
func takenOver(t *testing.T, e *Engine, r *Rule, fs []Finding, tg *Target) bool {
	t.Helper()
	specific := false
	for _, f := range fs {
		if o := e.Rule(f.RuleID); o != nil && !o.Generic {
			specific = true
		}
	}
	if !specific {
		return false
	}
	alone, err := NewEngine([]Rule{*r}, e.global.src)
	if err != nil {
		t.Fatal(err)
	}
	own, err := alone.Scan(tg)
	if err != nil {
		t.Fatal(err)
	}
	return hasRule(own, r.ID)
}

// TestExamplesAreNotSecrets checks that the raw templates, as stored in the
// repository, contain nothing the rules would flag.
func TestExamplesAreNotSecrets(t *testing.T) {
	e := builtinEngine(t)
	for _, r := range e.Rules() {
		for i, ex := range append(append([]string{}, r.TP...), r.FP...) {
			fs, err := e.Scan(&Target{Path: "rules/data/x.toml", Content: []byte(ex)})
			if err != nil {
				t.Fatal(err)
			}
			if blocks(fs, "") {
				t.Errorf("rule %s example %d is flagged as stored (%v); use a generator such as {{hex:32}}", r.ID, i, ruleIDs(fs))
			}
		}
	}
}

func hasRule(fs []Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

// blocks reports whether a finding of rule id (of any rule if id is "")
// blocks: is not advisory.
func blocks(fs []Finding, id string) bool {
	for _, f := range fs {
		if (id == "" || f.RuleID == id) && !f.Advisory {
			return true
		}
	}
	return false
}

func ruleIDs(fs []Finding) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.RuleID)
	}
	return ids
}
