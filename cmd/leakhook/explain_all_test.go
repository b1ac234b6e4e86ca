package main

import (
	"strings"
	"testing"

	"github.com/leakhook/leakhook/rules"
)

// TestExplainEveryRule runs `leakhook explain ID` for every built-in rule:
// each must print a page that names the rule and says how to rotate it.
func TestExplainEveryRule(t *testing.T) {
	rs, _, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		code, out := runCaptured(t, "explain", r.ID, "--lang", "python", "--vault", "env")
		if code != exitClean {
			t.Errorf("explain %s: exit %d", r.ID, code)
			continue
		}
		if !strings.Contains(out, r.EnvName()) || !strings.Contains(strings.ToLower(out), "revoke") {
			t.Errorf("explain %s: page lacks the env var %s or revoke steps", r.ID, r.EnvName())
		}
	}
}
