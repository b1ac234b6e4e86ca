package remedy

import (
	"path"
	"strings"
	"unicode/utf8"
)

// indent aligns continuation lines under the text after "fix:    ".
const indent = "        "

// maxFixWidth bounds the rewritten line; longer lines (minified code) get
// the generic advice instead.
const maxFixWidth = 200

// Short returns the lines a pre-commit or pre-push block message prints for
// one finding: ShortFix, then ShortType. line and secret are the real line
// and secret; no returned line contains the secret or any 8-character piece
// of it.
func Short(s Secret, filePath, line, secret string, o Options) []string {
	s.EnvVar = VarName(s, line, secret)
	return append(ShortFix(s, filePath, line, secret, o), ShortType(s, filePath, o, secret)...)
}

// ShortFix is the advice for one finding: the offending line rewritten to
// read the environment (or generic advice when it cannot be rewritten) and,
// with no vault, where the value goes instead.
func ShortFix(s Secret, filePath, line, secret string, o Options) []string {
	l := LangOf(filePath)
	s.EnvVar = VarName(s, line, secret)
	r := newRef(s, o)
	vault, ok := ParseVault(o.Vault, false)
	if !ok {
		vault = "env"
	}
	fix, hint := fixLines(l, filePath, line, secret, r, o)
	out := []string{"fix:    " + fix}
	if vault == "env" {
		out = append(out, indent+hint)
	}
	return withhold(out, secret)
}

// ShortType is the advice a message says once per secret type: where the
// value goes for the team's backend, and how to rotate the exposed one.
// filePath picks the language of the explain command and snippets; no line
// shows part of any of secrets.
func ShortType(s Secret, filePath string, o Options, secrets ...string) []string {
	l := LangOf(filePath)
	r := newRef(s, o)
	vault, ok := ParseVault(o.Vault, false)
	if !ok {
		vault = "env"
	}
	out := append(vaultLines(s, l, vault, o.program(), r), rotateLines(s, o.program())...)
	for _, sec := range secrets {
		out = withhold(out, sec)
	}
	return out
}

// withhold replaces any line that would show part of secret.
func withhold(out []string, secret string) []string {
	for i, ln := range out {
		if leaks(ln, secret) {
			out[i] = indent + "(line withheld: it would show part of the secret)"
		}
	}
	return out
}

// fixLines returns the rewritten line (or advice) and the follow-up hint.
func fixLines(l Lang, filePath, line, secret string, r ref, o Options) (fix, hint string) {
	hint = envHint(l, r.Env, r.EnvFile)
	if o.EnvTracked && l != Dotenv {
		hint = r.EnvFile + " is in git (this commit adds it or it is tracked), so it is no place for the value: untrack it first (git rm --cached " +
			r.EnvFile + " && echo /" + r.EnvFile + " >> .gitignore), then put the value there or in your shell: read -rs " + r.Env + " && export " + r.Env
	}
	if path.Base(filePath) == "credentials.toml" || path.Base(filePath) == "credentials" {
		if d := path.Base(path.Dir(filePath)); d == ".cargo" {
			// cargo reads the token itself: from CARGO_REGISTRY_TOKEN, or from
			// the credentials file cargo login writes in the home directory.
			return "cargo's credentials file does not belong in git: git rm --cached " + filePath +
					" && echo /" + filePath + " >> .gitignore",
				"locally run cargo login (it writes ~/.cargo/credentials.toml); in CI set CARGO_REGISTRY_TOKEN, which cargo publish reads itself"
		}
	}
	switch l {
	case Dotenv:
		base := path.Base(filePath)
		return "this file holds secrets: keep it out of git: git rm --cached " + filePath +
				" && echo " + base + " >> .gitignore",
			"commit a .env.example with " + r.Env + "= and no value instead"
	case Dockerfile:
		return "never put it in ARG, ENV or a layer: " + EnvRead(l, r.Env), hint
	}
	if rewritten, ok := Rewrite(l, line, secret, r.Env); ok {
		rewritten = strings.TrimSpace(rewritten)
		if utf8.RuneCountInString(rewritten) <= maxFixWidth && !leaks(rewritten, secret) {
			return rewritten, hint
		}
	}
	if read := EnvRead(l, r.Env); read != "" {
		return "read it with " + read + " instead of the literal", hint
	}
	return "move the value out of this file into the environment variable " + r.Env +
		" and have the code that reads this file take it from there", hint
}

// langFlag is " --lang L" for explain commands, or "" when l is unknown.
func langFlag(l Lang) string {
	if l == Unknown || l == "" {
		return ""
	}
	return " --lang " + string(l)
}

func vaultLines(s Secret, l Lang, vault, program string, r ref) []string {
	explain := program + " explain " + s.RuleID + langFlag(l)
	if s.RuleID == "" {
		explain = program + " explain RULE" + langFlag(l)
	}
	if vault == "env" {
		return []string{"vault:  or keep it in AWS Secrets Manager, HashiCorp Vault or CyberArk Conjur: " + explain}
	}
	c, err := data()
	if err != nil {
		return []string{"vault:  keep it in " + BackendTitle(vault) + ": " + explain + " --vault " + vault}
	}
	b := c.Backends[vault]
	out := []string{"vault:  store it in " + BackendTitle(vault) + " (paste the value, then Enter; it stays out of shell history):"}
	for _, cmd := range commandLines(r.render(b.Store)) {
		out = append(out, indent+"  "+cmd)
	}
	out = append(out, indent+"load it into the environment at start-up: "+r.render(b.Read))
	out = append(out, indent+"or read it in code: "+explain+" --vault "+vault)
	return out
}

// commandLines drops comment and blank lines from a shell template.
func commandLines(sh string) []string {
	var out []string
	for _, ln := range strings.Split(sh, "\n") {
		if t := strings.TrimSpace(ln); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	return out
}

// rotateLines says the secret may already be exposed and where to rotate it,
// with the rule's steps when they are few enough to read in a hook message.
func rotateLines(s Secret, program string) []string {
	where := "at " + s.RotateURL
	if s.RotateURL == "" {
		where = "(how: " + program + " explain " + s.RuleID + ")"
		if c, err := data(); err == nil {
			if p, ok := c.byID[s.RuleID]; ok && p.RotateURL != "" {
				where = "at " + p.RotateURL
			}
		}
	}
	out := []string{"rotate: it may already be exposed: revoke and rotate it " + where}
	if len(s.RotateSteps) > 0 && len(s.RotateSteps) <= 4 {
		for i, st := range s.RotateSteps {
			out = append(out, indent+string(rune('1'+i))+". "+st)
		}
	}
	return out
}
